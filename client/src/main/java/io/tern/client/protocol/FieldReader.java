package io.tern.client.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * Reads fields from untrusted bytes. Every read checks what remains first, so a short or lying
 * input ends in the caller's exception naming the field, never in an
 * {@code IndexOutOfBoundsException} or in an allocation sized by an unchecked length.
 */
final class FieldReader {

    private final ByteBuf in;
    private final String what;
    private final Function<String, ProtocolException> errors;

    /**
     * @param in     the bytes; reading advances its reader index
     * @param what   what is being decoded, for messages ("PUT request")
     * @param errors makes the exception for a one-line problem description
     */
    FieldReader(ByteBuf in, String what, Function<String, ProtocolException> errors) {
        this.in = in;
        this.what = what;
        this.errors = errors;
    }

    int u8(String field) {
        require(1, field);
        return in.readUnsignedByte();
    }

    long u64(String field) {
        require(8, field);
        return in.readLong();
    }

    /** A u8 that must be 0 or 1: anything else means the sides disagree on the format. */
    boolean flag(String field) {
        int value = u8(field);
        if (value > 1) {
            throw malformed(field + " must be 0 or 1, was " + value);
        }
        return value == 1;
    }

    /**
     * A u32 count of items of at least {@code minBytesEach} bytes, checked against what remains so
     * that no list is sized from a lie.
     */
    int count(String field, int minBytesEach) {
        require(4, field);
        long count = in.readUnsignedInt();
        if (count * minBytesEach > in.readableBytes()) {
            throw malformed(field + " " + count + " needs at least " + count * minBytesEach
                    + " bytes but only " + in.readableBytes() + " remain");
        }
        return (int) count;
    }

    /** A u32 read as is, for a number that is not a length. */
    long u32(String field) {
        require(4, field);
        return in.readUnsignedInt();
    }

    /** The length of a {@code bytes} field, checked against what remains. */
    int length(String field) {
        return count(field + " length", 1);
    }

    /** {@code n} bytes, copied out; {@code n} was checked against what remains. */
    byte[] bytes(int n, String field) {
        require(n, field);
        byte[] out = new byte[n];
        in.readBytes(out);
        return out;
    }

    /** The contract's {@code bytes := u32 n | n bytes}. */
    byte[] lengthPrefixedBytes(String field) {
        return bytes(length(field), field);
    }

    /** The contract's {@code str}: length-prefixed UTF-8; invalid UTF-8 is refused. */
    String utf8(String field) {
        int length = length(field);
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(in.nioBuffer(in.readerIndex(), length))
                    .toString();
            in.skipBytes(length);
            return text;
        } catch (CharacterCodingException e) {
            throw malformed(field + " is not valid UTF-8");
        }
    }

    /**
     * A record in {@link io.tern.kv.KvCodec}'s form, read by {@code decoder} from the bytes that
     * remain (it checks every length before allocating); its complaints become this reader's.
     */
    <T> T kvRecord(String field, Function<java.nio.ByteBuffer, T> decoder) {
        java.nio.ByteBuffer view = in.nioBuffer(in.readerIndex(), in.readableBytes());
        int start = view.position();
        T value;
        try {
            value = decoder.apply(view);
        } catch (IllegalArgumentException e) {
            throw malformed(field + ": " + e.getMessage());
        }
        in.skipBytes(view.position() - start);
        return value;
    }

    /** Refuses bytes left over: every format here is exact, so extra bytes mean the sides disagree. */
    void requireFullyRead() {
        if (in.isReadable()) {
            throw malformed(in.readableBytes() + " unexpected trailing bytes");
        }
    }

    ProtocolException malformed(String problem) {
        return errors.apply("malformed " + what + ": " + problem);
    }

    private void require(int bytes, String field) {
        if (in.readableBytes() < bytes) {
            throw malformed("truncated in " + field + " (needs " + bytes + " bytes, "
                    + in.readableBytes() + " remain)");
        }
    }
}
