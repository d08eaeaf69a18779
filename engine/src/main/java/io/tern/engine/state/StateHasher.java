package io.tern.engine.state;

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
 * order, found along each key's {@link ChangeChain}), then every change from R on (in revision order).
 * Members that applied the same entries get the same hashes. All reads go through {@code read}, one
 * snapshot.
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
     * The whole state at applied index {@code applied}: every key outside the events but the purge mark
     * (which each member writes when its own pass ends) and the deleted records below R (which each
     * member's purge drops at its own pace), then the history as {@link #history}.
     */
    static int state(StateFamilies families, ReadOptions read, long compacted, long applied) throws RocksDBException {
        CRC32C crc = new CRC32C();
        try (RocksIterator iterator = families.db().newIterator(read)) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                byte[] key = iterator.key();
                if (!Arrays.equals(key, StateLayout.PURGED_KEY) && !isPurgeable(key, iterator.value(), compacted)) {
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

    private static boolean isPurgeable(byte[] key, byte[] value, long compacted) {
        return key.length > 0 && key[0] == StateLayout.USER_PREFIX && StateLayout.isDeleted(value)
                && StateLayout.recordRevision(value) < compacted;
    }

    /** Each key's newest change below {@code compacted}, if a put: what compaction keeps of the past. */
    private static void addKeptBelow(StateFamilies families, ReadOptions read, long compacted, CRC32C crc) throws RocksDBException {
        if (compacted <= 1) {
            return;
        }
        StateReader reader = StateReader.of(families, read);
        VersionedReads reads = new VersionedReads(reader);
        try (RocksIterator iterator = reader.iterator()) {
            for (iterator.seek(new byte[] {StateLayout.USER_PREFIX}); iterator.isValid(); iterator.next()) {
                if (Arrays.compareUnsigned(iterator.key(), StateLayout.USER_END) >= 0) {
                    break;
                }
                ChangeChain.Position kept = reads.newestChange(iterator.value(), compacted - 1);
                if (kept == null) {
                    continue;
                }
                byte[] eventKey = StateLayout.eventKey(kept.revision(), kept.sub());
                byte[] event = reader.event(eventKey);
                if (event != null && !StateLayout.isDeleteEvent(event)) { // a delete below R is gone or going
                    crc.update(eventKey);
                    crc.update(event);
                }
            }
            iterator.status();
        }
    }
}
