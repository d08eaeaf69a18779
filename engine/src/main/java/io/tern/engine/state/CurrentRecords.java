package io.tern.engine.state;

import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
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
 * <p>Two layers, both keyed by the stored key: the <b>pending</b> records written by the run being
 * applied (not yet in RocksDB; they can be rolled back to a save point, as a transaction's batch is),
 * and a bounded, least-recently-used <b>cache of committed records</b>, which holds only what RocksDB
 * holds: records read from it, and the pending ones once their batch is written ({@link #committed}).
 * A key absent from both is read from RocksDB, which is right because every write of a current record
 * goes through {@link #put}/{@link #delete}, so the batch cannot hold one that the pending layer does
 * not. An absent key is cached as absent, as a record is.
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
    private final LinkedHashMap<ByteBuffer, byte[]> committed = new LinkedHashMap<>(1024, 0.75f, true);
    private long committedBytes;
    private final HashMap<ByteBuffer, byte[]> pending = new HashMap<>();
    /** Each pending write with what the pending layer held for its key before (null: nothing), for rollback. */
    private final List<Map.Entry<ByteBuffer, byte[]>> undo = new ArrayList<>();
    private final List<Integer> savePoints = new ArrayList<>();

    CurrentRecords(RocksDB db, ReadOptions readOptions, long capacityBytes) {
        this.db = db;
        this.readOptions = readOptions;
        this.capacityBytes = capacityBytes;
    }

    /** The current record stored under {@code userKey} as the run has left it, or {@code null}. */
    byte[] get(byte[] userKey) throws RocksDBException {
        ByteBuffer key = ByteBuffer.wrap(userKey);
        byte[] record = pending.get(key);
        if (record == null) {
            record = committed.get(key);
        }
        if (record == null) {
            byte[] stored = db.get(readOptions, userKey);
            record = stored == null ? ABSENT : stored;
            remember(key, record);
        }
        return record == ABSENT ? null : record;
    }

    /** Records that the run's batch puts {@code record} under {@code userKey}. */
    void put(byte[] userKey, byte[] record) {
        write(ByteBuffer.wrap(userKey), record);
    }

    /** Records that the run's batch deletes {@code userKey}'s current record. */
    void delete(byte[] userKey) {
        write(ByteBuffer.wrap(userKey), ABSENT);
    }

    /** Marks the point that {@link #rollbackToSavePoint} returns to (the batch's save point, mirrored). */
    void setSavePoint() {
        savePoints.add(undo.size());
    }

    void popSavePoint() {
        savePoints.removeLast();
    }

    void rollbackToSavePoint() {
        int mark = savePoints.removeLast();
        while (undo.size() > mark) {
            Map.Entry<ByteBuffer, byte[]> write = undo.removeLast();
            if (write.getValue() == null) {
                pending.remove(write.getKey());
            } else {
                pending.put(write.getKey(), write.getValue());
            }
        }
    }

    /** The run's batch is written: its records are now RocksDB's. */
    void committed() {
        pending.forEach(this::remember);
        clearRun();
    }

    /** The run's batch was not written: forget its records. */
    void abandoned() {
        clearRun();
    }

    private void write(ByteBuffer key, byte[] record) {
        undo.add(new java.util.AbstractMap.SimpleImmutableEntry<>(key, pending.put(key, record)));
    }

    private void clearRun() {
        pending.clear();
        undo.clear();
        savePoints.clear();
    }

    private void remember(ByteBuffer key, byte[] record) {
        byte[] replaced = committed.put(key, record);
        if (replaced != null) {
            committedBytes -= size(key, replaced);
        }
        committedBytes += size(key, record);
        if (committedBytes <= capacityBytes) {
            return;
        }
        Iterator<Map.Entry<ByteBuffer, byte[]>> eldest = committed.entrySet().iterator();
        while (committedBytes > capacityBytes && eldest.hasNext()) {
            Map.Entry<ByteBuffer, byte[]> entry = eldest.next();
            committedBytes -= size(entry.getKey(), entry.getValue());
            eldest.remove();
        }
    }

    private static long size(ByteBuffer key, byte[] record) {
        return (long) key.capacity() + record.length + ENTRY_OVERHEAD_BYTES;
    }
}
