package io.tern.engine.state;

import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatchWithIndex;

import java.util.Arrays;

/**
 * The meaning of each {@link Command}: turns it into writes on a pending batch and says what it did.
 * Reads go through the batch first ({@code getFromBatchAndDB}), so a command sees the writes of the
 * commands before it in the same batch exactly as if each had been committed on its own.
 */
final class CommandApplier {

    private final RocksDB db;
    private final ReadOptions readOptions;

    /**
     * @param readOptions how to read the committed state under the batch; the latest state, because
     *     the applier is the only writer
     */
    CommandApplier(RocksDB db, ReadOptions readOptions) {
        this.db = db;
        this.readOptions = readOptions;
    }

    /** @param batch must have been created with {@code overwriteKey = true}, so reads see the last write */
    CommandResult apply(Command command, WriteBatchWithIndex batch) throws RocksDBException {
        return switch (command) {
            case Command.Put put -> {
                batch.put(StateLayout.userKey(put.key()), put.value());
                yield new CommandResult.Written();
            }
            case Command.Delete delete -> {
                byte[] key = StateLayout.userKey(delete.key());
                boolean existed = batch.getFromBatchAndDB(db, readOptions, key) != null;
                if (existed) {
                    batch.delete(key);
                }
                yield new CommandResult.Deleted(existed);
            }
            case Command.CompareAndSet cas -> {
                byte[] key = StateLayout.userKey(cas.key());
                byte[] current = batch.getFromBatchAndDB(db, readOptions, key);
                if (!Arrays.equals(current, cas.expected())) {
                    yield new CommandResult.CasMismatch(current);
                }
                if (cas.newValue() != null) {
                    batch.put(key, cas.newValue());
                } else if (current != null) {
                    batch.delete(key);
                }
                yield new CommandResult.Written();
            }
            case Command.Batch many -> {
                for (Command.BatchOp op : many.ops()) {
                    switch (op) {
                        case Command.Put put -> batch.put(StateLayout.userKey(put.key()), put.value());
                        case Command.Delete delete -> batch.delete(StateLayout.userKey(delete.key()));
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
            case Command.Kv kv -> throw new UnsupportedOperationException("not yet: the MVCC engine");
            case Command.Compact compact -> throw new UnsupportedOperationException("not yet: the MVCC engine");
            case Command.LeaseGrant grant -> throw new UnsupportedOperationException("not yet: the MVCC engine");
            case Command.LeaseRevoke revoke -> throw new UnsupportedOperationException("not yet: the MVCC engine");
        };
    }
}
