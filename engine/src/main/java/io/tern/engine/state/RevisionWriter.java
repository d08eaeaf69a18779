package io.tern.engine.state;

import io.tern.kv.Bytes;
import io.tern.kv.VersionedKeyValue;
import io.tern.kv.WatchEvent;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.AbstractWriteBatch;

import java.util.ArrayList;
import java.util.List;

/**
 * The key changes of one log entry, all at the entry's index as revision, numbered by sub-revision in
 * the order they are made. Each change writes the key's current record (the head of its
 * {@link ChangeChain}) and its event, linked back to the key's earlier changes, and moves the key's
 * lease attachment; see {@link StateLayout}.
 */
final class RevisionWriter {

    private final AbstractWriteBatch batch;
    private final ColumnFamilyHandle eventFamily;
    private final CurrentRecords records;
    private final long revision;
    private final long compactionRevision;
    /** The changes made, each with the key as it was before; {@code null} when nobody listens. */
    private final List<WatchEvent> events;
    private int sub;

    /**
     * @param records told of every current record written, so that the applier's reads see it
     * @param compactionRevision the compaction revision as the entry finds it: a key deleted below it
     *     starts a new chain when it is created again, as it does once the history purge has taken its
     *     deleted record, so that every member writes the same links whatever its purge has done yet
     */
    RevisionWriter(AbstractWriteBatch batch, ColumnFamilyHandle eventFamily, CurrentRecords records, long revision,
                   long compactionRevision, boolean collectEvents) {
        this.batch = batch;
        this.eventFamily = eventFamily;
        this.records = records;
        this.revision = revision;
        this.compactionRevision = compactionRevision;
        this.events = collectEvents ? new ArrayList<>() : null;
    }

    long revision() {
        return revision;
    }

    /** Whether any key changed (so the state at this revision differs from the one before). */
    boolean changedAny() {
        return sub > 0;
    }

    /** The changes made, in order, with {@code prevKv}; empty when not collecting. */
    List<WatchEvent> events() {
        return events == null ? List.of() : events;
    }

    /**
     * Sets {@code key}.
     *
     * @param previous the key as it is now ({@code null} if absent), as the caller read it
     * @return the key as written
     */
    VersionedKeyValue put(byte[] key, byte[] value, long lease, VersionedKeyValue previous) throws RocksDBException {
        long create = previous == null ? revision : previous.createRevision();
        long version = previous == null ? 1 : previous.version() + 1;
        VersionedKeyValue written = new VersionedKeyValue(key, value, create, revision, version, lease);
        byte[] userKey = StateLayout.userKey(key);
        ChangeChain.Step step = nextChange(userKey);
        byte[] record = StateLayout.encodeLiveRecord(written, step.chain());
        batch.put(userKey, record);
        records.put(userKey, record);
        batch.put(eventFamily, StateLayout.eventKey(revision, sub), StateLayout.encodePutEvent(written, step.links()));
        long previousLease = previous == null ? 0 : previous.lease();
        if (previousLease != lease) {
            if (previousLease != 0) {
                batch.delete(StateLayout.attachmentKey(previousLease, key));
            }
            if (lease != 0) {
                batch.put(StateLayout.attachmentKey(lease, key), Bytes.EMPTY);
            }
        }
        record(new WatchEvent(WatchEvent.Type.PUT, written, previous));
        return written;
    }

    /** Deletes {@code previous}'s key, which exists. */
    void delete(VersionedKeyValue previous) throws RocksDBException {
        byte[] key = previous.key();
        byte[] userKey = StateLayout.userKey(key);
        ChangeChain.Step step = nextChange(userKey);
        byte[] record = StateLayout.encodeDeletedRecord(step.chain());
        batch.put(userKey, record);
        records.put(userKey, record);
        batch.put(eventFamily, StateLayout.eventKey(revision, sub), StateLayout.encodeDeleteEvent(key, step.links()));
        if (previous.lease() != 0) {
            batch.delete(StateLayout.attachmentKey(previous.lease(), key));
        }
        record(new WatchEvent(WatchEvent.Type.DELETE,
                new VersionedKeyValue(key, Bytes.EMPTY, 0, revision, 0, 0), previous));
    }

    /** The key's chain with the change about to be made (at {@code (revision, sub)}) added. */
    private ChangeChain.Step nextChange(byte[] userKey) throws RocksDBException {
        byte[] head = records.get(userKey);
        if (head == null || StateLayout.isDeleted(head) && StateLayout.recordRevision(head) < compactionRevision) {
            return ChangeChain.first(revision, sub);
        }
        return StateLayout.recordChain(head).next(revision, sub);
    }

    /** Marks a point of the batch (and of the records written) to roll back to. */
    void setSavePoint() throws RocksDBException {
        batch.setSavePoint();
        records.setSavePoint();
    }

    void popSavePoint() throws RocksDBException {
        batch.popSavePoint();
        records.popSavePoint();
    }

    /** Undoes every write since the last save point. */
    void rollbackToSavePoint() throws RocksDBException {
        batch.rollbackToSavePoint();
        records.rollbackToSavePoint();
    }

    private void record(WatchEvent event) {
        if (sub == -1) {
            throw new IllegalStateException("more than 2^32 changes in the entry at revision " + revision);
        }
        sub++;
        if (events != null) {
            events.add(event);
        }
    }
}
