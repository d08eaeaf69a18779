package io.tern.verify.checker;

import io.tern.verify.history.Call;
import java.util.List;

/**
 * Keys that are checked together, with every operation on them. Linearizability is local: a
 * history is linearizable exactly when its restriction to each object is. Here an object is a
 * group of keys that no BATCH or TXN crosses, so each partition is checked on its own.
 */
record Partition(List<String> keys, List<HistoryEntry> entries) {

    boolean hasMultiKeyCall() {
        return entries.stream().anyMatch(entry -> entry.operation().call() instanceof Call.Batch
                || entry.operation().call() instanceof Call.Txn);
    }

    /** A register for a lone key; a map of its keys when batches or txns may touch several at once. */
    Model<?> model() {
        return keys.size() == 1 && !hasMultiKeyCall() ? RegisterModel.INSTANCE : new KeyValueMapModel(keys);
    }

    String describeKeys() {
        return (keys.size() == 1 ? "key " : "keys ") + String.join(", ", keys);
    }
}
