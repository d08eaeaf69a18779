package io.tern.engine.state;

import io.tern.kv.WatchEvent;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.AbstractWriteBatch;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBatchWithIndex;
import org.rocksdb.WriteOptions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The meaning of each {@link Command}: turns it into writes on a pending batch and says what it did.
 * Reads go through the batch first, so a command sees the writes of the commands before it in the
 * same batch exactly as if each had been committed on its own.
 *
 * <p>Every key change is versioned (see {@link RevisionWriter}), the byte-level commands of the native
 * protocol too: a {@link Command.Put} is a put without a lease (so it detaches one), a
 * {@link Command.CompareAndSet} compares values, then puts or deletes, and a {@link Command.Batch} is
 * one revision.
 */
final class CommandApplier {

    static final String LEASE_EXISTS = "etcdserver: lease already exists";

    private final StateFamilies families;
    private final ReadOptions readOptions;
    private final CurrentRecords records;
    private final WriteOptions writeOptions;
    /** The compaction revision as the batches written so far left it. */
    private long compactionRevision;
    /** The compaction revision a batch not yet written sets; -1 if none. */
    private long pendingCompactionRevision = -1;

    /**
     * @param readOptions how to read the committed state under the batch; the latest state, because
     *     the applier is the only writer
     */
    CommandApplier(StateFamilies families, ReadOptions readOptions, WriteOptions writeOptions) throws RocksDBException {
        this.families = families;
        this.readOptions = readOptions;
        this.writeOptions = writeOptions;
        this.records = new CurrentRecords(families.db(), readOptions, CurrentRecords.DEFAULT_CAPACITY_BYTES);
        this.compactionRevision = StateLayout.compactionRevision(
                families.db().get(readOptions, StateLayout.COMPACTION_KEY));
    }

    /**
     * Whether applying {@code command} reads nothing but single keys' current records, which
     * {@link CurrentRecords} answers with the pending writes included, so that it needs no indexed batch.
     * Puts, deletes and compare-and-sets of single keys are (the bulk of every load); a range, a past
     * revision, a lease or a compaction is not.
     */
    static boolean readsOnlyCurrentRecords(Command command) {
        return switch (command) {
            case Command.Put put -> true;
            case Command.Delete delete -> true;
            case Command.CompareAndSet cas -> true;
            case Command.Batch batch -> true;
            case Command.SetAlarm alarm -> true;
            case Command.Kv kv -> KvApplier.readsOnlyCurrentRecords(kv.op());
            case Command.Compact compact -> false;
            case Command.LeaseGrant grant -> false;
            case Command.LeaseRevoke revoke -> false;
            case Command.Auth auth -> true;
            case Command.AsUser asUser -> readsOnlyCurrentRecords(asUser.command());
        };
    }

    /** The batch the commands were applied to since the last call is written to the database. */
    void batchWritten() {
        records.committed();
        if (pendingCompactionRevision >= 0) {
            compactionRevision = pendingCompactionRevision;
            pendingCompactionRevision = -1;
        }
    }

    /** The batch the commands were applied to since the last call was dropped. */
    void batchDropped() {
        records.abandoned();
        pendingCompactionRevision = -1;
    }

    /**
     * Deletes the current records of {@code deleted} whose deletes the history purge found below the
     * compaction revision, each only if it is still that key's record (the key may have been created
     * again since). Called between runs, under the apply lock, since current records are the
     * applier's: a purge writing them on its own could delete a key just created.
     */
    void dropDeletedRecords(List<byte[]> userKeys) throws RocksDBException {
        try (WriteBatch batch = new WriteBatch()) {
            for (byte[] userKey : userKeys) {
                byte[] record = records.get(userKey);
                if (record != null && StateLayout.isDeleted(record)
                        && StateLayout.recordRevision(record) < compactionRevision) {
                    batch.delete(userKey);
                    records.delete(userKey);
                }
            }
            if (batch.count() > 0) {
                families.db().write(writeOptions, batch);
            }
            records.committed();
        } catch (RocksDBException | RuntimeException e) {
            records.abandoned();
            throw e;
        }
    }

    /**
     * Applies the command of the entry at {@code revision}.
     *
     * @param batch a {@link WriteBatchWithIndex} created with {@code overwriteKey = true}, so reads see
     *     the last write; or, for a command that {@link #readsOnlyCurrentRecords reads only current
     *     records}, a plain batch, which is cheaper to fill (the records read come from {@link CurrentRecords})
     * @param events where to add the key changes made, with their previous versions; {@code null} if
     *     nobody needs them
     */
    CommandResult apply(Command command, long revision, AbstractWriteBatch batch, List<WatchEvent> events)
            throws RocksDBException {
        StateReader reader = batch instanceof WriteBatchWithIndex indexed
                ? StateReader.of(families, readOptions, indexed, records) : StateReader.ofCurrentRecords(records);
        VersionedReads reads = new VersionedReads(reader);
        RevisionWriter writer = new RevisionWriter(batch, families.events(), records, revision,
                pendingCompactionRevision >= 0 ? pendingCompactionRevision : compactionRevision, events != null);
        CommandResult result = switch (command) {
            case Command.Put put -> {
                writer.put(put.key(), put.value(), 0, reads.current(put.key()));
                yield new CommandResult.Written();
            }
            case Command.Delete delete -> {
                var previous = reads.current(delete.key());
                if (previous != null) {
                    writer.delete(previous);
                }
                yield new CommandResult.Deleted(previous != null);
            }
            case Command.CompareAndSet cas -> {
                var previous = reads.current(cas.key());
                byte[] current = previous == null ? null : previous.value();
                if (!Arrays.equals(current, cas.expected())) {
                    yield new CommandResult.CasMismatch(current);
                }
                if (cas.newValue() != null) {
                    writer.put(cas.key(), cas.newValue(), 0, previous);
                } else if (previous != null) {
                    writer.delete(previous);
                }
                yield new CommandResult.Written();
            }
            case Command.Batch many -> {
                for (Command.BatchOp op : many.ops()) {
                    var previous = reads.current(op.key());
                    switch (op) {
                        case Command.Put put -> writer.put(put.key(), put.value(), 0, previous);
                        case Command.Delete delete -> {
                            if (previous != null) {
                                writer.delete(previous);
                            }
                        }
                    }
                }
                yield new CommandResult.Written();
            }
            case Command.SetAlarm alarm -> {
                byte[] key = StateLayout.alarmKey(alarm.memberId(), alarm.type());
                if (alarm.active()) {
                    batch.put(key, alarm.detail().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                } else {
                    batch.delete(key);
                }
                yield new CommandResult.Written();
            }
            case Command.Kv kv -> new KvApplier(reader, writer).apply(kv.op());
            case Command.Compact compact -> compact(compact.revision(), revision, reads, batch);
            case Command.LeaseGrant grant -> {
                byte[] key = StateLayout.leaseKey(grant.id());
                if (grant.id() <= 0 || reader.get(key) != null) {
                    yield new CommandResult.Refused(CommandResult.Refusal.LEASE_EXISTS, 0, LEASE_EXISTS);
                }
                batch.put(key, StateLayout.encodeLong(grant.ttlSeconds()));
                yield new CommandResult.LeaseGranted(grant.id(), grant.ttlSeconds());
            }
            case Command.LeaseRevoke revoke -> revoke(revoke.id(), reader, reads, writer, batch);
            case Command.Auth auth -> throw new IllegalStateException("the store applies auth changes itself");
            case Command.AsUser asUser -> throw new IllegalStateException("the store checks a user's command itself");
        };
        if (command instanceof Command.Compact compact && !(result instanceof CommandResult.Refused)) {
            pendingCompactionRevision = compact.revision();
        }
        if (events != null && !(result instanceof CommandResult.Refused)) {
            events.addAll(writer.events());
        }
        return result;
    }

    /**
     * Compacts history to {@code target}; the entry's own revision is not yet applied, so the current
     * revision is the one before it.
     */
    private static CommandResult compact(long target, long revision, VersionedReads reads, AbstractWriteBatch batch)
            throws RocksDBException {
        long compacted = reads.compactionRevision();
        if (target <= compacted) {
            return new CommandResult.Refused(CommandResult.Refusal.COMPACTED, compacted, KvApplier.COMPACTED);
        }
        long current = revision - 1;
        if (target > current) {
            return new CommandResult.Refused(CommandResult.Refusal.FUTURE_REVISION, current,
                    KvApplier.FUTURE_REVISION);
        }
        // Reads below the target are refused from now on; the history under it is deleted in the
        // background (HistoryCompactor), so that a large history does not stall the applier.
        batch.put(StateLayout.COMPACTION_KEY, StateLayout.encodeLong(target));
        return new CommandResult.Written();
    }

    /** Deletes every key attached to lease {@code id}, in key order, then the lease. */
    private static CommandResult revoke(long id, StateReader reader, VersionedReads reads, RevisionWriter writer,
                                        AbstractWriteBatch batch) throws RocksDBException {
        byte[] leaseKey = StateLayout.leaseKey(id);
        if (reader.get(leaseKey) == null) {
            return new CommandResult.Refused(CommandResult.Refusal.LEASE_NOT_FOUND, 0, KvApplier.LEASE_NOT_FOUND);
        }
        List<byte[]> attached = reads.leaseKeys(id);
        for (byte[] key : attached) {
            var previous = reads.current(key);
            if (previous != null) {
                writer.delete(previous);
            }
            batch.delete(StateLayout.attachmentKey(id, key));
        }
        batch.delete(leaseKey);
        return new CommandResult.Written();
    }
}
