package io.tern.verify.watch;

import io.tern.verify.history.Call;
import io.tern.verify.history.Operation;
import io.tern.verify.history.Outcome;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The changes a recorded history's writes made, as watches must show them ({@link WatchChecker}):
 *
 * <ul>
 *   <li>acknowledged, at the write's revision: a PUT; a DELETE that said the key {@code existed}; a
 *       CAS that wrote (a delete only if it expected a value); a BATCH's puts; a successful TXN's puts,
 *       and its deletes of keys it guarded on a value (it knew they existed);</li>
 *   <li>possible, at the write's revision: a BATCH's deletes and a TXN's deletes of unguarded keys
 *       (the answer does not say whether the key was there, and deleting nothing is no change);</li>
 *   <li>of unknown outcome, revision unknown: every change of a write whose outcome is unknown.</li>
 * </ul>
 *
 * A DELETE that found no key, a CAS that deleted an absent key, a mismatched CAS, a TXN whose guards
 * failed and every failed call made no change.
 */
public record HistoryChanges(List<Change> acknowledged, List<Change> possible, List<Change> unknownOutcome) {

    public HistoryChanges {
        acknowledged = List.copyOf(acknowledged);
        possible = List.copyOf(possible);
        unknownOutcome = List.copyOf(unknownOutcome);
    }

    /**
     * @throws IllegalArgumentException if a batch or txn writes one key twice: that makes two changes
     *     of the key at one revision, which watches cannot be judged on (the workload never does it)
     */
    public static HistoryChanges of(List<Operation> operations) {
        List<Change> acknowledged = new ArrayList<>();
        List<Change> possible = new ArrayList<>();
        List<Change> unknown = new ArrayList<>();
        for (Operation op : operations) {
            if (op.call() instanceof Call.Get || op.outcome() instanceof Outcome.Failed) {
                continue;
            }
            if (op.isUnknown() || op.revision() == Operation.NO_REVISION) {
                unknown.addAll(everyChange(op.call(), Operation.NO_REVISION));
                continue;
            }
            long revision = op.revision();
            switch (op.call()) {
                case Call.Put put -> acknowledged.add(Change.put(put.key(), revision, put.value()));
                case Call.Delete delete -> {
                    if (op.outcome() instanceof Outcome.Deleted deleted && deleted.existed()) {
                        acknowledged.add(Change.delete(delete.key(), revision));
                    } else if (op.outcome() instanceof Outcome.Written) {
                        possible.add(Change.delete(delete.key(), revision));
                    }
                }
                case Call.Cas cas -> {
                    if (op.outcome() instanceof Outcome.Written) {
                        if (cas.newValue() != null) {
                            acknowledged.add(Change.put(cas.key(), revision, cas.newValue()));
                        } else if (cas.expected() != null) {
                            acknowledged.add(Change.delete(cas.key(), revision));
                        }
                    }
                }
                case Call.Batch batch -> {
                    distinctKeys(batch.writes(), batch.describe());
                    for (Call.BatchWrite write : batch.writes()) {
                        (write.value() == null ? possible : acknowledged).add(change(write, revision));
                    }
                }
                case Call.Txn txn -> {
                    distinctKeys(txn.writes(), txn.describe());
                    if (op.outcome() instanceof Outcome.Written) {
                        for (Call.BatchWrite write : txn.writes()) {
                            txnWrite(txn, write, revision, acknowledged, possible);
                        }
                    }
                }
                case Call.Get get -> throw new AssertionError("reads were skipped");
            }
        }
        return new HistoryChanges(acknowledged, possible, unknown);
    }

    private static void txnWrite(Call.Txn txn, Call.BatchWrite write, long revision, List<Change> acknowledged,
                                 List<Change> possible) {
        if (write.value() != null) {
            acknowledged.add(change(write, revision));
            return;
        }
        Call.Guard guard = txn.guards().stream().filter(g -> g.key().equals(write.key())).findFirst().orElse(null);
        if (guard == null) {
            possible.add(change(write, revision));
        } else if (guard.expected() != null) {
            acknowledged.add(change(write, revision));
        }
        // Guarded as absent and the guard held: the delete found nothing.
    }

    private static List<Change> everyChange(Call call, long revision) {
        return switch (call) {
            case Call.Put put -> List.of(Change.put(put.key(), revision, put.value()));
            case Call.Delete delete -> List.of(Change.delete(delete.key(), revision));
            case Call.Cas cas -> List.of(cas.newValue() == null ? Change.delete(cas.key(), revision)
                    : Change.put(cas.key(), revision, cas.newValue()));
            case Call.Batch batch -> batch.writes().stream().map(w -> change(w, revision)).toList();
            case Call.Txn txn -> txn.writes().stream().map(w -> change(w, revision)).toList();
            case Call.Get get -> List.of();
        };
    }

    private static Change change(Call.BatchWrite write, long revision) {
        return write.value() == null ? Change.delete(write.key(), revision) : Change.put(write.key(), revision, write.value());
    }

    private static void distinctKeys(List<Call.BatchWrite> writes, String described) {
        Set<String> keys = new HashSet<>();
        for (Call.BatchWrite write : writes) {
            if (!keys.add(write.key())) {
                throw new IllegalArgumentException("writes " + write.key() + " twice, so watches cannot be judged: "
                        + described);
            }
        }
    }

    /** A checker of watches against these changes. */
    public WatchChecker checker() {
        return new WatchChecker(acknowledged, possible, unknownOutcome);
    }
}
