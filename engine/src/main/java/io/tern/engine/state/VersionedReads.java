package io.tern.engine.state;

import io.tern.kv.KeyRange;
import io.tern.kv.VersionedKeyValue;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

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
        return record == null || StateLayout.isDeleted(record) ? null : StateLayout.decodeRecord(key, record);
    }

    /** The key's current record (for a deleted key, the head of its history while it lasts), or {@code null}. */
    byte[] currentRecord(byte[] key) throws RocksDBException {
        return reader.get(StateLayout.userKey(key));
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
                if (StateLayout.isDeleted(iterator.value())) {
                    continue;
                }
                cursor.at(iterator, stored);
                if (!visitor.visit(cursor)) {
                    break;
                }
            }
            iterator.status();
        }
    }

    /**
     * Visits the keys of {@code range} as they were at {@code revision}, which must be at or above the
     * compaction revision: each key with a current record (a deleted key keeps one while its history
     * lasts) is walked back along its {@link ChangeChain} to its newest change at or before it.
     */
    void forEachAt(KeyRange range, long revision, KeyVisitor visitor) throws RocksDBException {
        if (range.isEmpty()) {
            return;
        }
        long compacted = compactionRevision();
        if (range.isSingleKey()) {
            byte[] record = reader.get(StateLayout.userKey(range.start()));
            VersionedKeyValue kv = record == null ? null : at(range.start(), record, revision, compacted);
            if (kv != null) {
                visitor.visit(new LoadedCursor(kv));
            }
            return;
        }
        byte[] end = range.endExclusive();
        byte[] upper = end.length == 0 ? StateLayout.USER_END : StateLayout.userKey(end);
        try (RocksIterator iterator = reader.iterator()) {
            for (iterator.seek(StateLayout.userKey(range.start())); iterator.isValid(); iterator.next()) {
                byte[] stored = iterator.key();
                if (Arrays.compareUnsigned(stored, upper) >= 0) {
                    break;
                }
                VersionedKeyValue kv = at(StateLayout.stripUserPrefix(stored), iterator.value(), revision, compacted);
                if (kv != null && !visitor.visit(new LoadedCursor(kv))) {
                    break;
                }
            }
            iterator.status();
        }
    }

    /**
     * The key whose current record is {@code record} as it was at {@code revision} (at or above
     * {@code compacted}), or {@code null} if it did not exist then. The purge keeps a put below the
     * compaction revision and deletes a delete, so a missing event there is a delete.
     */
    private VersionedKeyValue at(byte[] key, byte[] record, long revision, long compacted) throws RocksDBException {
        if (StateLayout.recordRevision(record) <= revision) {
            return StateLayout.isDeleted(record) ? null : StateLayout.decodeRecord(key, record);
        }
        ChangeChain.Position newest = newestChange(record, revision);
        if (newest == null) {
            return null;
        }
        byte[] event = reader.event(StateLayout.eventKey(newest.revision(), newest.sub()));
        if (event == null && newest.revision() >= compacted) {
            throw missing(newest.revision(), newest.sub());
        }
        return event == null || StateLayout.isDeleteEvent(event) ? null
                : StateLayout.decodeEvent(newest.revision(), event).kv();
    }

    /**
     * Where the newest change at or before {@code revision} is of the key whose current record is
     * {@code record}; {@code null} if its history starts after it. The walk reads only events above
     * {@code revision}, so it needs {@code revision} at or above the compaction revision minus one,
     * where every event is kept.
     */
    ChangeChain.Position newestChange(byte[] record, long revision) throws RocksDBException {
        long changeRevision = StateLayout.recordRevision(record);
        int changeSub = StateLayout.recordSub(record);
        while (changeRevision > revision) {
            ChangeChain.Links links = StateLayout.eventLinks(requiredEvent(changeRevision, changeSub));
            if (links.hasJump() && links.jumpRevision() > revision) {
                changeRevision = links.jumpRevision();
                changeSub = links.jumpSub();
            } else if (links.hasPrevious()) {
                changeRevision = links.previousRevision();
                changeSub = links.previousSub();
            } else {
                return null;
            }
        }
        return new ChangeChain.Position(changeRevision, changeSub);
    }

    /**
     * The key as it was just before the change recorded by {@code event}: its previous change, if a
     * put; {@code null} if it did not exist (or history no longer says).
     */
    VersionedKeyValue before(byte[] event) throws RocksDBException {
        ChangeChain.Links links = StateLayout.eventLinks(event);
        if (!links.hasPrevious()) {
            return null;
        }
        byte[] previous = reader.event(StateLayout.eventKey(links.previousRevision(), links.previousSub()));
        return previous == null || StateLayout.isDeleteEvent(previous) ? null
                : StateLayout.decodeEvent(links.previousRevision(), previous).kv();
    }

    private byte[] requiredEvent(long revision, int sub) throws RocksDBException {
        byte[] event = reader.event(StateLayout.eventKey(revision, sub));
        if (event == null) {
            throw missing(revision, sub);
        }
        return event;
    }

    private static IllegalStateException missing(long revision, int sub) {
        return new IllegalStateException("a key's history names event " + revision + "."
                + Integer.toUnsignedString(sub) + " at or above the compaction revision, but history does not hold it");
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
}
