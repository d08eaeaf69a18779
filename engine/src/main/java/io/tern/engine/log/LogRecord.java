package io.tern.engine.log;

import io.tern.raft.types.EntryKind;
import io.tern.raft.types.LogEntry;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The records of the log file, each a Chronicle excerpt ending in a CRC32C of everything before it.
 * Besides entries, the log holds the records that make Chronicle's append-only files behave like a
 * Raft log: truncation, reset, the commit watermark, the void marker of a torn record (written by
 * earlier versions; read still), and the markers that let an open tell a tail torn by a power cut
 * from corruption of data already on disk (see {@link ChronicleRaftLog}).
 *
 * <pre>
 * ENTRY    u8 1 | i64 index | i64 term | u8 kind | i32 length | payload | i32 crc
 * TRUNCATE u8 2 | i64 fromIndex                                          | i32 crc
 * RESET    u8 3 | i64 nextIndex                                          | i32 crc
 * COMMIT   u8 4 | i64 committedIndex                                     | i32 crc
 * VOID     u8 5 | i64 queueIndexOfTheTornRecord                          | i32 crc
 * SYNC     u8 6 | i64 syncNumber                                         | i32 crc
 * CLOSE    u8 7 | i64 forced (1 or 0)                                    | i32 crc
 * </pre>
 */
sealed interface LogRecord {

    byte ENTRY = 1;
    byte TRUNCATE = 2;
    byte RESET = 3;
    byte COMMIT = 4;
    byte VOID = 5;
    byte SYNC = 6;
    byte CLOSE = 7;

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

    /** Written as sync number {@code number} starts forcing: every record before it is what that sync makes durable. */
    record Sync(long number) implements LogRecord {
    }

    /**
     * The last record of a log closed cleanly; {@code forced} if it was forced to disk after a sync
     * that completed, which makes it, like a sync marker, proof that the sync before it completed.
     */
    record Close(boolean forced) implements LogRecord {
    }

    /**
     * Whether finding this record intact proves that the sync before it completed: syncs run one at
     * a time, and a sync marker is written only once the previous sync has returned.
     */
    static boolean provesEarlierSyncCompleted(LogRecord record) {
        return record instanceof Sync || record instanceof Close(boolean forced) && forced;
    }

    /** Encodes the record into {@code buffer} (cleared first, grown if needed) and returns the buffer. */
    static ByteBuffer encode(LogRecord record, ByteBuffer buffer) {
        int size = switch (record) {
            case Entry e -> ENTRY_HEADER_BYTES + e.entry().payload().length + CRC_BYTES;
            case EntryHeader header -> throw new IllegalArgumentException("an entry's header alone is never written");
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
            case Sync(long number) -> buffer.put(SYNC).putLong(number);
            case Close(boolean forced) -> buffer.put(CLOSE).putLong(forced ? 1 : 0);
            case EntryHeader header -> throw new IllegalArgumentException("an entry's header alone is never written");
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
        return decodeOrNull(bytes, 0, length);
    }

    /** As {@link #decodeOrNull(byte[], int)}, for the {@code length} bytes at {@code offset}. */
    static LogRecord decodeOrNull(byte[] bytes, int offset, int length) {
        return new Decoder().decodeOrNull(bytes, offset, length, true);
    }

    /**
     * An entry as the open's scan sees it: where it belongs in the log, without its payload. The scan
     * checks every record of the log but keeps only the view of it, so it copies no payload. Never written.
     */
    record EntryHeader(long index, long term, EntryKind kind) implements LogRecord {
    }

    /** Decodes records one after another with one checksum; not thread-safe. */
    final class Decoder {

        private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
        private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

        private final CRC32C crc = new CRC32C();

        /**
         * As {@link LogRecord#decodeOrNull(byte[], int, int)}; an entry comes back whole if
         * {@code withPayload}, else as an {@link EntryHeader} (its payload checked all the same).
         */
        LogRecord decodeOrNull(byte[] bytes, int offset, int length, boolean withPayload) {
            if (length < MARKER_BYTES) {
                return null;
            }
            crc.reset();
            crc.update(bytes, offset, length - CRC_BYTES);
            if ((int) INT.get(bytes, offset + length - CRC_BYTES) != (int) crc.getValue()) {
                return null;
            }
            byte type = bytes[offset];
            if (type != ENTRY) {
                if (length != MARKER_BYTES) {
                    return null;
                }
                long value = (long) LONG.get(bytes, offset + 1);
                return switch (type) {
                    case TRUNCATE -> new Truncate(value);
                    case RESET -> new Reset(value);
                    case COMMIT -> new Commit(value);
                    case VOID -> new Void(value);
                    case SYNC -> new Sync(value);
                    case CLOSE -> value == 0 || value == 1 ? new Close(value == 1) : null;
                    default -> null;
                };
            }
            if (length < ENTRY_HEADER_BYTES + CRC_BYTES) {
                return null;
            }
            long index = (long) LONG.get(bytes, offset + 1);
            long term = (long) LONG.get(bytes, offset + 9);
            int kind = bytes[offset + 17];
            int payloadLength = (int) INT.get(bytes, offset + 18);
            if (payloadLength != length - ENTRY_HEADER_BYTES - CRC_BYTES) {
                return null;
            }
            EntryKind entryKind;
            try {
                entryKind = EntryKind.ofCode(kind);
            } catch (IllegalArgumentException e) {
                return null;
            }
            if (!withPayload) {
                return new EntryHeader(index, term, entryKind);
            }
            int payloadStart = offset + ENTRY_HEADER_BYTES;
            byte[] payload = Arrays.copyOfRange(bytes, payloadStart, payloadStart + payloadLength);
            return new Entry(new LogEntry(index, term, entryKind, payload));
        }
    }
}
