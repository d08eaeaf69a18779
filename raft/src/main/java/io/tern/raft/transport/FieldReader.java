package io.tern.raft.transport;

import io.netty.buffer.ByteBuf;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads fields from untrusted bytes. Every read checks what remains first, so a short or lying
 * input ends in a {@link MalformedFrameException} naming the field, never in an
 * {@code IndexOutOfBoundsException} or in an allocation sized by an unchecked length.
 */
final class FieldReader {

    private final ByteBuf in;
    private final String what;

    /**
     * @param in   the bytes; reading advances its reader index
     * @param what what is being decoded, for error messages ("AppendEntries", "PEER_HELLO")
     */
    FieldReader(ByteBuf in, String what) {
        this.in = in;
        this.what = what;
    }

    int u8(String field) {
        require(1, field);
        return in.readUnsignedByte();
    }

    long u64(String field) {
        require(8, field);
        return in.readLong();
    }

    boolean bool(String field) {
        int value = u8(field);
        if (value > 1) {
            throw malformed(field + " must be 0 or 1, was " + value);
        }
        return value == 1;
    }

    /** A u32 count or length, checked to be at most {@code bytesEach * count <= remaining}. */
    int count(String field, int bytesEach) {
        require(4, field);
        long count = in.readUnsignedInt();
        if (count * bytesEach > in.readableBytes()) {
            throw malformed(field + " " + count + " needs at least " + count * bytesEach + " bytes but only "
                    + in.readableBytes() + " remain");
        }
        return (int) count;
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
        return bytes(count(field + " length", 1), field);
    }

    /** The contract's {@code str}: length-prefixed UTF-8, at most {@code maxBytes}; invalid UTF-8 is refused. */
    String utf8(String field, int maxBytes) {
        int length = count(field + " length", 1);
        if (length > maxBytes) {
            throw malformed(field + " of " + length + " bytes is over the limit of " + maxBytes);
        }
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

    /** Refuses bytes left over: every format here is exact, so extra bytes mean the sides disagree. */
    void requireFullyRead() {
        if (in.isReadable()) {
            throw malformed(in.readableBytes() + " unexpected trailing bytes");
        }
    }

    MalformedFrameException malformed(String problem) {
        return new MalformedFrameException("malformed " + what + ": " + problem);
    }

    MalformedFrameException malformed(String problem, Throwable cause) {
        return new MalformedFrameException("malformed " + what + ": " + problem, cause);
    }

    private void require(int bytes, String field) {
        if (in.readableBytes() < bytes) {
            throw malformed("truncated in " + field + " (needs " + bytes + " bytes, " + in.readableBytes()
                    + " remain)");
        }
    }
}
