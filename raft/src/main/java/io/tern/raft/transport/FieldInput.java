package io.tern.raft.transport;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads the fields of one {@link VersionedSerializer} object from untrusted bytes. Every length and
 * count is checked against the bytes the object has left before anything is allocated for it, so
 * a lying input ends in a {@link MalformedFrameException} naming the field, never in an allocation
 * sized by the input. (Kryo's own {@code readBytes(n)} and {@code readString()} allocate first.)
 */
final class FieldInput {

    private final Kryo kryo;
    private final Input in;
    private final int end;
    private final String what;

    FieldInput(Kryo kryo, Input in, int end, String what) {
        this.kryo = kryo;
        this.in = in;
        this.end = end;
        this.what = what;
    }

    /** Whether the sender wrote more fields: a field appended in a later release is read only then. */
    boolean hasMore() {
        return in.position() < end;
    }

    long varLong(String field) {
        requirePresent(field);
        return in.readVarLong(true);
    }

    int u8(String field) {
        requirePresent(field);
        return in.readByteUnsigned();
    }

    boolean bool(String field) {
        int value = u8(field);
        if (value > 1) {
            throw malformed(field + " must be 0 or 1, was " + value);
        }
        return value == 1;
    }

    /** An unsigned varint count, checked so that {@code count * minBytesEach} fits in what remains. */
    int count(String field, int minBytesEach) {
        requirePresent(field);
        long count = Integer.toUnsignedLong(in.readVarInt(true));
        long remaining = remaining();
        if (count * minBytesEach > remaining) {
            throw malformed(field + " " + count + " needs at least " + count * minBytesEach + " bytes but only "
                    + remaining + " remain");
        }
        return (int) count;
    }

    /** {@code varint n | n bytes}, copied out once {@code n} is known to be there. */
    byte[] bytes(String field) {
        int length = count(field + " length", 1);
        return in.readBytes(length);
    }

    /** Length-prefixed UTF-8 of at most {@code maxBytes}; invalid UTF-8 is refused. */
    String utf8(String field, int maxBytes) {
        int length = count(field + " length", 1);
        if (length > maxBytes) {
            throw malformed(field + " of " + length + " bytes is over the limit of " + maxBytes);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(in.readBytes(length)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw malformed(field + " is not valid UTF-8");
        }
    }

    /** A nested object, itself versioned. */
    <T> T object(VersionedSerializer<T> serializer, String field) {
        requirePresent(field);
        return serializer.read(kryo, in, null);
    }

    MalformedFrameException malformed(String problem) {
        return new MalformedFrameException("malformed " + what + ": " + problem);
    }

    MalformedFrameException malformed(String problem, Throwable cause) {
        return new MalformedFrameException("malformed " + what + ": " + problem, cause);
    }

    private long remaining() {
        return Math.max(0, end - in.position());
    }

    private void requirePresent(String field) {
        if (in.position() >= end) {
            throw malformed("missing " + field);
        }
    }
}
