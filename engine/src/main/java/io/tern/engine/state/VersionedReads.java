package io.tern.engine.state;

import io.tern.kv.KeyRange;
import io.tern.kv.VersionedKeyValue;
import io.tern.kv.WatchEvent;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads of the key model over one {@link StateReader}: a key now, the keys of a range now or at a past
 * revision, and a key just before a change (for an event's previous version). See {@link StateLayout}
 * for what is stored where.
 */
final class VersionedReads {

    /** Visits the keys of a range in key order; {@link KeyCursor#kv()} loads a key only when asked. */
    interface KeyVisitor {
        /** @return false to stop */
        boolean visit(KeyCursor cursor) throws RocksDBException;
    }

    /** One key of a range being visited; valid only during the visit. */
    interface KeyCursor {
        byte[] key();

        /** The key with its value and metadata (for a past revision this costs a read). */
        VersionedKeyValue kv() throws RocksDBException;
    }

    private final StateReader reader;

    VersionedReads(StateReader reader) {
        this.reader = reader;
    }

    /** The key as it is now, or {@code null}: one get. */
    VersionedKeyValue current(byte[] key) throws RocksDBException {
        byte[] record = reader.get(StateLayout.userKey(key));
        return record == null ? null : StateLayout.decodeRecord(key, record);
    }

    /**
     * Visits the current keys of {@code range}. A single key is one get rather than an iterator: the
     * common case of a transaction's compares and of a delete, and the only read a command makes on
     * the applier's unindexed batch ({@link StateReader#ofCurrentRecords}).
     */
    void forEachCurrent(KeyRange range, KeyVisitor visitor) throws RocksDBException {
        if (range.isEmpty()) {
            return;
        }
        if (range.isSingleKey()) {
            VersionedKeyValue kv = current(range.start());
            if (kv != null) {
                visitor.visit(new LoadedCursor(kv));
            }
            return;
        }
        byte[] end = range.endExclusive();
        byte[] upper = end.length == 0 ? StateLayout.USER_END : StateLayout.userKey(end);
        CurrentCursor cursor = new CurrentCursor();
        try (RocksIterator iterator = reader.iterator()) {
            for (iterator.seek(StateLayout.userKey(range.start())); iterator.isValid(); iterator.next()) {
                byte[] stored = iterator.key();
                if (Arrays.compareUnsigned(stored, upper) >= 0) {
                    break;
                }
                cursor.at(iterator, stored);
                if (!visitor.visit(cursor)) {
                    break;
                }
            }
            iterator.status();
        }
    }

    /** Visits the keys of {@code range} as they were at {@code revision} (which history must still hold). */
    void forEachAt(KeyRange range, long revision, KeyVisitor visitor) throws RocksDBException {
        if (range.isEmpty()) {
            return;
        }
        byte[] end = range.endExclusive();
        byte[] upper = end.length == 0 ? StateLayout.INDEX_END : StateLayout.indexBound(end);
        PastCursor cursor = new PastCursor();
        try (RocksIterator iterator = reader.iterator()) {
            iterator.seek(StateLayout.indexBound(range.start()));
            while (iterator.isValid()) {
                byte[] indexKey = iterator.key();
                if (Arrays.compareUnsigned(indexKey, upper) >= 0) {
                    break;
                }
                int prefixLength = StateLayout.indexPrefixLength(indexKey);
                byte[] prefix = Arrays.copyOf(indexKey, prefixLength);
                iterator.seekForPrev(positioned(prefix, revision, -1));
                if (iterator.isValid() && startsWith(iterator.key(), prefix)
                        && iterator.value()[0] == StateLayout.TYPE_PUT) {
                    byte[] found = iterator.key();
                    cursor.at(StateLayout.unescapeIndexKey(found, prefixLength), StateLayout.indexRevision(found),
                            StateLayout.indexSub(found));
                    if (!visitor.visit(cursor)) {
                        break;
                    }
                }
                iterator.seek(StateLayout.afterIndexPrefix(prefix));
            }
            iterator.status();
        }
    }

    /**
     * The key as it was just before the change at {@code (revision, sub)}: its newest change before
     * that one, if a put; {@code null} if it did not exist (or history no longer says).
     */
    VersionedKeyValue before(byte[] key, long revision, int sub) throws RocksDBException {
        byte[] prefix = StateLayout.indexKeyPrefix(key);
        byte[] bound = sub == 0 ? positioned(prefix, revision - 1, -1) : positioned(prefix, revision, sub - 1);
        try (RocksIterator iterator = reader.iterator()) {
            iterator.seekForPrev(bound);
            if (!iterator.isValid() || !startsWith(iterator.key(), prefix)
                    || iterator.value()[0] != StateLayout.TYPE_PUT) {
                iterator.status();
                return null;
            }
            byte[] found = iterator.key();
            return event(StateLayout.indexRevision(found), StateLayout.indexSub(found)).kv();
        }
    }

    /** The event stored at {@code (revision, sub)}. */
    WatchEvent event(long revision, int sub) throws RocksDBException {
        byte[] event = reader.event(StateLayout.eventKey(revision, sub));
        if (event == null) {
            throw new IllegalStateException("the index names event " + revision + "." + Integer.toUnsignedString(sub)
                    + " but history does not hold it");
        }
        return StateLayout.decodeEvent(revision, event);
    }

    /** The keys attached to lease {@code id}, in byte order. */
    List<byte[]> leaseKeys(long id) throws RocksDBException {
        byte[] end = StateLayout.attachmentsEnd(id);
        List<byte[]> keys = new ArrayList<>();
        try (RocksIterator iterator = reader.iterator()) {
            for (iterator.seek(StateLayout.attachmentsStart(id)); iterator.isValid(); iterator.next()) {
                byte[] attachment = iterator.key();
                if (Arrays.compareUnsigned(attachment, end) >= 0) {
                    break;
                }
                keys.add(StateLayout.attachedKey(attachment));
            }
            iterator.status();
        }
        return keys;
    }

    long compactionRevision() throws RocksDBException {
        return StateLayout.compactionRevision(reader.get(StateLayout.COMPACTION_KEY));
    }

    /** {@code prefix} (an index key prefix) followed by a revision and a sub-revision (-1: the last). */
    private static byte[] positioned(byte[] prefix, long revision, int sub) {
        return ByteBuffer.allocate(prefix.length + StateLayout.POSITION_BYTES).put(prefix).putLong(revision)
                .putInt(sub).array();
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static final class CurrentCursor implements KeyCursor {
        private RocksIterator iterator;
        private byte[] stored;
        private byte[] key;

        void at(RocksIterator at, byte[] storedKey) {
            this.iterator = at;
            this.stored = storedKey;
            this.key = null;
        }

        @Override
        public byte[] key() {
            if (key == null) {
                key = StateLayout.stripUserPrefix(stored);
            }
            return key;
        }

        @Override
        public VersionedKeyValue kv() {
            return StateLayout.decodeRecord(key(), iterator.value());
        }
    }

    private record LoadedCursor(VersionedKeyValue kv) implements KeyCursor {
        @Override
        public byte[] key() {
            return kv.key();
        }
    }

    private final class PastCursor implements KeyCursor {
        private byte[] key;
        private long revision;
        private int sub;

        void at(byte[] atKey, long atRevision, int atSub) {
            this.key = atKey;
            this.revision = atRevision;
            this.sub = atSub;
        }

        @Override
        public byte[] key() {
            return key;
        }

        @Override
        public VersionedKeyValue kv() throws RocksDBException {
            return event(revision, sub).kv();
        }
    }
}
