package io.tern.engine.log;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The records of the log file, each a Chronicle excerpt ending in a CRC32C of everything before it.
 * Besides entries, the log holds the records that make Chronicle's append-only files behave like a
 * Raft log: truncation, reset, the commit watermark, and the void marker of a torn record.
 *
 * <pre>
 * ENTRY    u8 1 | i64 index | i64 term | u8 kind | i32 length | payload | i32 crc
 * TRUNCATE u8 2 | i64 fromIndex                                          | i32 crc
 * RESET    u8 3 | i64 nextIndex                                          | i32 crc
 * COMMIT   u8 4 | i64 committedIndex                                     | i32 crc
 * VOID     u8 5 | i64 queueIndexOfTheTornRecord                          | i32 crc
 * </pre>
 */
sealed interface LogRecord {

    byte ENTRY = 1;
    byte TRUNCATE = 2;
    byte RESET = 3;
    byte COMMIT = 4;
    byte VOID = 5;

    int ENTRY_HEADER_BYTES = 1 + 8 + 8 + 1 + 4;
    int MARKER_BYTES = 1 + 8 + 4;
    int CRC_BYTES = 4;

    record Entry(LogEntry entry) implements LogRecord {
    }

    /** Removes {@code fromIndex} and everything after it. */
    record Truncate(long fromIndex) implements LogRecord {
    }

    /** Removes everything; the next entry is {@code nextIndex}. */
    record Reset(long nextIndex) implements LogRecord {
    }

    /** Entries up to {@code index} are known to be committed. */
    record Commit(long index) implements LogRecord {
    }

    /** The excerpt at {@code queueIndex} was torn by a crash and is to be skipped. */
    record Void(long queueIndex) implements LogRecord {
    }

    /** Encodes the record into {@code buffer} (cleared first, grown if needed) and returns the buffer. */
    static ByteBuffer encode(LogRecord record, ByteBuffer buffer) {
        int size = switch (record) {
            case Entry e -> ENTRY_HEADER_BYTES + e.entry().payload().length + CRC_BYTES;
            default -> MARKER_BYTES;
        };
        if (buffer.capacity() < size) {
            buffer = ByteBuffer.allocate(Math.max(size, buffer.capacity() * 2));
        }
        buffer.clear();
        switch (record) {
            case Entry(LogEntry e) -> buffer.put(ENTRY).putLong(e.index()).putLong(e.term())
                    .put((byte) e.kind().code()).putInt(e.payload().length).put(e.payload());
            case Truncate(long from) -> buffer.put(TRUNCATE).putLong(from);
            case Reset(long next) -> buffer.put(RESET).putLong(next);
            case Commit(long index) -> buffer.put(COMMIT).putLong(index);
            case Void(long queueIndex) -> buffer.put(VOID).putLong(queueIndex);
        }
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 0, buffer.position());
        buffer.putInt((int) crc.getValue());
        return buffer;
    }

    /**
     * Decodes {@code length} bytes of {@code bytes}, or returns null when they do not form a whole,
     * intact record (a checksum mismatch, an unknown type, lengths that do not add up).
     */
    static LogRecord decodeOrNull(byte[] bytes, int length) {
        if (length < MARKER_BYTES) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length - CRC_BYTES);
        ByteBuffer in = ByteBuffer.wrap(bytes, 0, length);
        if (in.getInt(length - CRC_BYTES) != (int) crc.getValue()) {
            return null;
        }
        byte type = in.get();
        if (type != ENTRY) {
            if (length != MARKER_BYTES) {
                return null;
            }
            long value = in.getLong();
            return switch (type) {
                case TRUNCATE -> new Truncate(value);
                case RESET -> new Reset(value);
                case COMMIT -> new Commit(value);
                case VOID -> new Void(value);
                default -> null;
            };
        }
        if (length < ENTRY_HEADER_BYTES + CRC_BYTES) {
            return null;
        }
        long index = in.getLong();
        long term = in.getLong();
        int kind = in.get();
        int payloadLength = in.getInt();
        if (payloadLength != length - ENTRY_HEADER_BYTES - CRC_BYTES) {
            return null;
        }
        byte[] payload = new byte[payloadLength];
        in.get(payload);
        try {
            return new Entry(new LogEntry(index, term, EntryKind.ofCode(kind), payload));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
