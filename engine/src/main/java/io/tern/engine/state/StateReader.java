package io.tern.engine.state;

import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatchWithIndex;

/**
 * One consistent view of the state to read from: a RocksDB snapshot (for readers), or the applier's
 * pending batch over the latest state (so a command sees the writes of the commands before it in the
 * same run). The reads of the key model are written once against this.
 */
interface StateReader {

    /** The stored value of {@code key} outside the events, or {@code null}. */
    byte[] get(byte[] key) throws RocksDBException;

    /** The event stored under {@code eventKey}, or {@code null}. */
    byte[] event(byte[] eventKey) throws RocksDBException;

    /**
     * A new unbounded iterator over this view, the events excepted; the caller closes it and checks
     * bounds itself.
     */
    RocksIterator iterator();

    /** Reads through {@code readOptions} (a snapshot's, for readers). */
    static StateReader of(StateFamilies families, ReadOptions readOptions) {
        RocksDB db = families.db();
        return new StateReader() {
            @Override
            public byte[] get(byte[] key) throws RocksDBException {
                return db.get(readOptions, key);
            }

            @Override
            public byte[] event(byte[] eventKey) throws RocksDBException {
                return db.get(families.events(), readOptions, eventKey);
            }

            @Override
            public RocksIterator iterator() {
                return db.newIterator(readOptions);
            }
        };
    }

    /**
     * Reads the current records as {@code records} has them (the pending batch's ones included) and
     * nothing else: for commands applied to a batch without an index, which cannot be read back. Any
     * other read is a bug (the command should have been given an indexed batch) and fails loudly rather
     * than miss the batch's writes.
     */
    static StateReader ofCurrentRecords(CurrentRecords records) {
        return new StateReader() {
            @Override
            public byte[] get(byte[] key) throws RocksDBException {
                if (key.length > 0 && key[0] == StateLayout.USER_PREFIX) {
                    return records.get(key);
                }
                throw new IllegalStateException("a command applied without an indexed batch read a key that is not "
                        + "a current record");
            }

            @Override
            public byte[] event(byte[] eventKey) {
                throw new IllegalStateException("a command applied without an indexed batch read an event");
            }

            @Override
            public RocksIterator iterator() {
                throw new IllegalStateException("a command applied without an indexed batch iterated the state");
            }
        };
    }

    /**
     * Reads {@code batch}'s writes over the database's latest state. The batch must have been created
     * with {@code overwriteKey = true}, and must not change while an iterator of it is open. Gets of
     * current records go to {@code records}, which knows the batch's ones.
     */
    static StateReader of(StateFamilies families, ReadOptions readOptions, WriteBatchWithIndex batch,
                          CurrentRecords records) {
        RocksDB db = families.db();
        return new StateReader() {
            @Override
            public byte[] get(byte[] key) throws RocksDBException {
                if (key.length > 0 && key[0] == StateLayout.USER_PREFIX) {
                    return records.get(key);
                }
                return batch.getFromBatchAndDB(db, readOptions, key);
            }

            @Override
            public byte[] event(byte[] eventKey) throws RocksDBException {
                return batch.getFromBatchAndDB(db, families.events(), readOptions, eventKey);
            }

            @Override
            public RocksIterator iterator() {
                // The returned iterator owns the base iterator and closes it.
                return batch.newIteratorWithBase(db.newIterator(readOptions));
            }
        };
    }
}
