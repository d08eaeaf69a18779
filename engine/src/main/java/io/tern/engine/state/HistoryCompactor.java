package io.tern.engine.state;

import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.AbstractWriteBatch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Drops the history that no read at or above a compaction revision R needs: of each key's changes
 * below R only the newest is kept, and only if it is a put (it is the key's state from then until its
 * next change). Everything at or above R stays. Keeping the newest change strictly below R (rather
 * than at or below) costs at most one record per key changed exactly at R, and gives every event from
 * R on its previous version.
 *
 * <p>Done in full within the entry that compacts, so it is deterministic and every member ends with
 * the same history; it walks the whole index, which makes a compaction cost in proportion to the
 * history kept (see ARCHITECTURE.md).
 */
final class HistoryCompactor {

    private HistoryCompactor() {
    }

    /** @return how many changes were dropped */
    static long compact(StateReader reader, AbstractWriteBatch batch, long revision) throws RocksDBException {
        List<byte[]> dropped = new ArrayList<>();
        try (RocksIterator iterator = reader.iterator()) {
            byte[] groupPrefix = null;
            byte[] pending = null; // the newest change below the revision seen so far in this key's group
            boolean pendingIsPut = false;
            for (iterator.seek(StateLayout.INDEX_START); iterator.isValid(); iterator.next()) {
                byte[] indexKey = iterator.key();
                if (Arrays.compareUnsigned(indexKey, StateLayout.INDEX_END) >= 0) {
                    break;
                }
                boolean sameKey = groupPrefix != null && indexKey.length - StateLayout.POSITION_BYTES == groupPrefix.length
                        && Arrays.equals(indexKey, 0, groupPrefix.length, groupPrefix, 0, groupPrefix.length);
                if (!sameKey) {
                    if (pending != null && !pendingIsPut) {
                        dropped.add(pending);
                    }
                    pending = null;
                    groupPrefix = Arrays.copyOf(indexKey, indexKey.length - StateLayout.POSITION_BYTES);
                }
                if (StateLayout.indexRevision(indexKey) >= revision) {
                    continue;
                }
                if (pending != null) {
                    dropped.add(pending);
                }
                pending = indexKey;
                pendingIsPut = iterator.value()[0] == StateLayout.TYPE_PUT;
            }
            iterator.status();
            if (pending != null && !pendingIsPut) {
                dropped.add(pending);
            }
        }
        // Written after the walk: the batch must not change under an iterator that reads it.
        for (byte[] indexKey : dropped) {
            batch.delete(indexKey);
            batch.delete(StateLayout.eventKey(StateLayout.indexRevision(indexKey), StateLayout.indexSub(indexKey)));
        }
        return dropped.size();
    }
}
