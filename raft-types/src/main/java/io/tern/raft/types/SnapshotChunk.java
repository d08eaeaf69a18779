package io.tern.raft.types;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One piece of a streamed snapshot. A stream is the metadata (the JSON of
 * {@value SnapshotFileNames#METADATA_FILE_NAME}, usually in one chunk) followed by each data file's bytes in
 * the metadata's order, every piece with its offset so that a lost or reordered chunk is noticed.
 * The final chunk has {@link #last()} set. The data array is owned by the chunk: do not change it.
 *
 * <p>Binary form, integers big-endian:
 * <pre>
 * u8 format (1) | u8 kind (1 metadata, 2 file data) | u8 flags (bit 0: last)
 * | u16 n | n bytes file name (UTF-8, empty for metadata) | u64 offset | u32 m | m bytes data
 * </pre>
 * No checksum of its own: every file's CRC32C, checked as it is written, covers the data end to end.
 *
 * @param kind whether it carries metadata or file data
 * @param fileName the data file it belongs to; empty for metadata
 * @param offset where {@code data} starts within the file (or within the metadata JSON)
 * @param data the bytes, never more than the reader's maximum chunk size
 * @param last whether this is the final chunk of the stream
 */
public record SnapshotChunk(Kind kind, String fileName, long offset, byte[] data, boolean last) {

    /** What a chunk carries. */
    public enum Kind {
        /** A piece of the metadata JSON; {@code fileName} is empty. */
        METADATA(1),
        /** A piece of the data file {@code fileName}. */
        FILE_DATA(2);

        private final int code;

        Kind(int code) {
            this.code = code;
        }

        static Kind fromCode(int code) {
            for (Kind kind : values()) {
                if (kind.code == code) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("malformed snapshot chunk: unknown kind " + code);
        }
    }

    /** The largest encoding is {@code data.length} plus at most this many bytes. */
    public static final int MAX_HEADER_BYTES = 3 + 2 + SnapshotFileNames.MAX_NAME_BYTES + 8 + 4;

    private static final byte FORMAT = 1;
    private static final int LAST_FLAG = 1;
    private static final int BYTES_BEFORE_NAME = 3 + 2;
    private static final int BYTES_AFTER_NAME = 8 + 4;

    public SnapshotChunk {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(data, "data");
        if (kind == Kind.METADATA && !fileName.isEmpty()) {
            throw new IllegalArgumentException("a metadata chunk names no file, but names " + fileName);
        }
        if (kind == Kind.FILE_DATA) {
            SnapshotFileNames.requireValidName(fileName);
        }
        if (offset < 0 || offset > Long.MAX_VALUE - data.length) {
            throw new IllegalArgumentException("chunk offset " + offset + " is out of range");
        }
    }

    public static SnapshotChunk metadata(long offset, byte[] data, boolean last) {
        return new SnapshotChunk(Kind.METADATA, "", offset, data, last);
    }

    public static SnapshotChunk fileData(String fileName, long offset, byte[] data, boolean last) {
        return new SnapshotChunk(Kind.FILE_DATA, fileName, offset, data, last);
    }

    /** The size of {@link #encode()}'s result. */
    public int encodedSize() {
        return BYTES_BEFORE_NAME + fileName.getBytes(StandardCharsets.UTF_8).length + BYTES_AFTER_NAME + data.length;
    }

    public byte[] encode() {
        byte[] name = fileName.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(BYTES_BEFORE_NAME + name.length + BYTES_AFTER_NAME + data.length);
        out.put(FORMAT)
                .put((byte) kind.code)
                .put((byte) (last ? LAST_FLAG : 0))
                .putShort((short) name.length)
                .put(name)
                .putLong(offset)
                .putInt(data.length)
                .put(data);
        return out.array();
    }

    /**
     * Reads a chunk from bytes that came off the network. Every length is checked against the bytes
     * that remain before anything is allocated from it.
     *
     * @throws IllegalArgumentException if the bytes are not exactly one well-formed chunk
     */
    public static SnapshotChunk decode(byte[] encoded) {
        ByteBuffer in = ByteBuffer.wrap(encoded);
        require(in.remaining() >= BYTES_BEFORE_NAME, "only " + encoded.length + " bytes");
        int format = in.get();
        require(format == FORMAT, "unknown format " + format);
        Kind kind = Kind.fromCode(in.get() & 0xff);
        int flags = in.get() & 0xff;
        require((flags & ~LAST_FLAG) == 0, "unknown flags " + Integer.toBinaryString(flags));
        int nameLength = in.getShort() & 0xffff;
        require(nameLength <= SnapshotFileNames.MAX_NAME_BYTES, "a file name of " + nameLength + " bytes");
        require(in.remaining() >= nameLength + BYTES_AFTER_NAME, "truncated in its header");
        String fileName = decodeUtf8(in, nameLength);
        long offset = in.getLong();
        int dataLength = in.getInt();
        require(dataLength == in.remaining(), "it declares " + Integer.toUnsignedString(dataLength)
                + " bytes of data but " + in.remaining() + " follow");
        byte[] data = new byte[dataLength];
        in.get(data);
        try {
            return new SnapshotChunk(kind, fileName, offset, data, (flags & LAST_FLAG) != 0);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed snapshot chunk: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SnapshotChunk that
                && kind == that.kind && fileName.equals(that.fileName) && offset == that.offset
                && last == that.last && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, fileName, offset, last, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        String what = kind == Kind.METADATA ? "metadata" : "file " + fileName;
        return what + " at offset " + offset + " (" + data.length + " bytes" + (last ? ", last)" : ")");
    }

    private static String decodeUtf8(ByteBuffer in, int length) {
        ByteBuffer name = in.slice(in.position(), length);
        in.position(in.position() + length);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(name)
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("malformed snapshot chunk: the file name is not UTF-8");
        }
    }

    private static void require(boolean condition, String problem) {
        if (!condition) {
            throw new IllegalArgumentException("malformed snapshot chunk: " + problem);
        }
    }
}
