package io.tern.engine.state;

import io.tern.kv.Bytes;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * CRC32Cs (Castagnoli, as etcd's) of the state as compaction defines it, for etcd's Hash and HashKV.
 * Below the compaction revision R the history holds garbage until {@link HistoryCompactor}'s
 * background pass deletes it, at its own pace on each member; so the history is hashed as compaction
 * leaves it, whatever has been deleted yet: below R each key's newest change if it is a put (in key
 * order, from the index), then every change from R on (in revision order). Members that applied the
 * same entries get the same hashes. All reads go through {@code read}, one snapshot.
 */
final class StateHasher {

    private StateHasher() {
    }

    /** The history up to revision {@code upTo}, given compaction revision {@code compacted}. */
    static int history(StateFamilies families, ReadOptions read, long compacted, long upTo) throws RocksDBException {
        CRC32C crc = new CRC32C();
        addHistory(families, read, compacted, upTo, crc);
        return (int) crc.getValue();
    }

    /**
     * The whole state at applied index {@code applied}: every key outside the history but the purge
     * mark (which each member writes when its own pass ends), then the history as {@link #history}.
     */
    static int state(StateFamilies families, ReadOptions read, long compacted, long applied) throws RocksDBException {
        CRC32C crc = new CRC32C();
        try (RocksIterator iterator = families.db().newIterator(read)) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                byte[] key = iterator.key();
                if (key.length > 0 && key[0] == StateLayout.INDEX_PREFIX) { // the events are in their own family
                    iterator.seek(StateLayout.INDEX_END);
                    if (!iterator.isValid()) {
                        break;
                    }
                    key = iterator.key();
                }
                if (!Arrays.equals(key, StateLayout.PURGED_KEY)) {
                    crc.update(key);
                    crc.update(iterator.value());
                }
            }
            iterator.status();
        }
        addHistory(families, read, compacted, applied, crc);
        return (int) crc.getValue();
    }

    private static void addHistory(StateFamilies families, ReadOptions read, long compacted, long upTo, CRC32C crc)
            throws RocksDBException {
        addKeptBelow(families, read, compacted, crc);
        byte[] end = StateLayout.eventKey(upTo + 1);
        try (RocksIterator iterator = families.db().newIterator(families.events(), read)) {
            for (iterator.seek(StateLayout.eventKey(compacted)); iterator.isValid(); iterator.next()) {
                byte[] key = iterator.key();
                if (Arrays.compareUnsigned(key, end) >= 0) {
                    break;
                }
                crc.update(key);
                crc.update(iterator.value());
            }
            iterator.status();
        }
    }

    /** Each key's newest change below {@code compacted}, if a put: what compaction keeps of the past. */
    private static void addKeptBelow(StateFamilies families, ReadOptions read, long compacted, CRC32C crc) throws RocksDBException {
        if (compacted <= 1) {
            return;
        }
        try (RocksIterator iterator = families.db().newIterator(read)) {
            byte[] group = null;
            byte[] newest = null;
            boolean newestIsPut = false;
            for (iterator.seek(StateLayout.INDEX_START); iterator.isValid(); iterator.next()) {
                byte[] indexKey = iterator.key();
                if (Arrays.compareUnsigned(indexKey, StateLayout.INDEX_END) >= 0) {
                    break;
                }
                int prefix = indexKey.length - StateLayout.POSITION_BYTES;
                if (group == null || prefix != group.length || !Arrays.equals(indexKey, 0, prefix, group, 0, prefix)) {
                    addKept(families, read, newest, newestIsPut, crc);
                    newest = null;
                    group = Arrays.copyOf(indexKey, prefix);
                }
                if (StateLayout.indexRevision(indexKey) < compacted) {
                    newest = indexKey;
                    newestIsPut = iterator.value()[0] == StateLayout.TYPE_PUT;
                }
            }
            iterator.status();
            addKept(families, read, newest, newestIsPut, crc);
        }
    }

    private static void addKept(StateFamilies families, ReadOptions read, byte[] indexKey, boolean put, CRC32C crc)
            throws RocksDBException {
        if (indexKey == null || !put) {
            return;
        }
        byte[] eventKey = StateLayout.eventKey(StateLayout.indexRevision(indexKey), StateLayout.indexSub(indexKey));
        byte[] event = families.db().get(families.events(), read, eventKey);
        if (event == null) {
            throw new IllegalStateException("index entry " + Bytes.show(indexKey) + " has no event");
        }
        crc.update(eventKey);
        crc.update(event);
    }
}
