package io.tern.engine.state;

import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The applier's point reads of current records ({@code 0x01 | key}), which every put and delete makes
 * for the key's version, create revision and lease. A RocksDB get of a key that is not in the pending
 * batch costs a search of the memtable's skip list and of the table files (about 40 % of the CPU of
 * applying a put, measured); keys written again soon (a working set, the usual load) are answered from
 * memory instead.
 *
 * <p>One bounded, least-recently-used map by stored key holds what the state is as the applier sees
 * it: records read from RocksDB, and the records written by the run being applied, which RocksDB does
 * not have until the run's batch is written. Each write keeps what the map held for its key before, so
 * that a transaction's save point can be rolled back and a batch that was never written can be
 * forgotten ({@link #abandoned}). A key absent from the map is read from RocksDB, which is right
 * because every write of a current record goes through {@link #put}/{@link #delete}, so the batch
 * cannot hold one that the map does not. An absent key is cached as absent, as a record is. Entries are
 * evicted only between runs, so a pending write is never dropped before RocksDB has it.
 *
 * <p>Only the applier uses it, under the store's apply lock; a store that replaces its database
 * (a snapshot install) opens a new store, and with it a new cache.
 */
final class CurrentRecords {

    /** What the cache may hold, counting keys, records and a rough per-entry overhead. */
    static final long DEFAULT_CAPACITY_BYTES = 32L << 20;
    private static final int ENTRY_OVERHEAD_BYTES = 96;
    /** A key known to have no current record (a real record is never empty: it starts with its metadata). */
    private static final byte[] ABSENT = new byte[0];

    private final RocksDB db;
    private final ReadOptions readOptions;
    private final long capacityBytes;
    private final LinkedHashMap<StoredKey, byte[]> records = new LinkedHashMap<>(1024, 0.75f, true);
    private long bytes;
    /** The run's writes in order, each with what the map held for its key before (null: nothing). */
    private final List<Undo> undo = new ArrayList<>();
    private final List<Integer> savePoints = new ArrayList<>();

    CurrentRecords(RocksDB db, ReadOptions readOptions, long capacityBytes) {
        this.db = db;
        this.readOptions = readOptions;
        this.capacityBytes = capacityBytes;
    }

    /** The current record stored under {@code userKey} as the run has left it, or {@code null}. */
    byte[] get(byte[] userKey) throws RocksDBException {
        StoredKey key = new StoredKey(userKey);
        byte[] record = records.get(key);
        if (record == null) {
            byte[] stored = db.get(readOptions, userKey);
            record = stored == null ? ABSENT : stored;
            replace(key, record);
        }
        return record == ABSENT ? null : record;
    }

    /** Records that the run's batch puts {@code record} under {@code userKey}. */
    void put(byte[] userKey, byte[] record) {
        write(new StoredKey(userKey), record);
    }

    /** Records that the run's batch deletes {@code userKey}'s current record. */
    void delete(byte[] userKey) {
        write(new StoredKey(userKey), ABSENT);
    }

    /** Marks the point that {@link #rollbackToSavePoint} returns to (the batch's save point, mirrored). */
    void setSavePoint() {
        savePoints.add(undo.size());
    }

    void popSavePoint() {
        savePoints.removeLast();
    }

    /** Undoes every write since the last save point. */
    void rollbackToSavePoint() {
        undoTo(savePoints.removeLast());
    }

    /** The run's batch is written: its records are now RocksDB's. */
    void committed() {
        endRun();
    }

    /** The run's batch was not written: forget its records. */
    void abandoned() {
        undoTo(0);
        endRun();
    }

    private void write(StoredKey key, byte[] record) {
        undo.add(new Undo(key, replace(key, record)));
    }

    private void undoTo(int mark) {
        while (undo.size() > mark) {
            Undo write = undo.removeLast();
            if (write.previous() == null) {
                bytes -= size(write.key(), records.remove(write.key()));
            } else {
                replace(write.key(), write.previous());
            }
        }
    }

    private void endRun() {
        undo.clear();
        savePoints.clear();
        if (bytes <= capacityBytes) {
            return;
        }
        Iterator<Map.Entry<StoredKey, byte[]>> eldest = records.entrySet().iterator();
        while (bytes > capacityBytes && eldest.hasNext()) {
            Map.Entry<StoredKey, byte[]> entry = eldest.next();
            bytes -= size(entry.getKey(), entry.getValue());
            eldest.remove();
        }
    }

    /** @return what the map held for {@code key} before, or {@code null} */
    private byte[] replace(StoredKey key, byte[] record) {
        byte[] replaced = records.put(key, record);
        if (replaced != null) {
            bytes -= size(key, replaced);
        }
        bytes += size(key, record);
        return replaced;
    }

    /** Entries held now (for tests). */
    int size() {
        return records.size();
    }

    private static long size(StoredKey key, byte[] record) {
        return (long) key.bytes.length + record.length + ENTRY_OVERHEAD_BYTES;
    }

    private record Undo(StoredKey key, byte[] previous) {
    }

    /** A stored key as a map key: its hash computed once, compared with the vectorized array equality. */
    private static final class StoredKey {
        private final byte[] bytes;
        private final int hash;

        StoredKey(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof StoredKey that && hash == that.hash && Arrays.equals(bytes, that.bytes);
        }
    }
}
