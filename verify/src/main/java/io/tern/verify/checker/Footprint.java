package io.tern.verify.checker;

import io.tern.verify.history.Call;
import io.tern.verify.history.Operation;
import io.tern.verify.history.Outcome;
import java.util.ArrayList;
import java.util.List;

/**
 * What an operation observed and what it wrote, key by key. This is what lets the checker drop
 * an operation without changing the verdict's meaning: a write that no remaining operation
 * observes can be removed from any valid order without making another operation's result
 * impossible (the operations between it and the next write of its key saw something else).
 */
final class Footprint {

    private Footprint() {
    }

    /**
     * The facts an operation's result depends on. An unknown CAS is included: whether it wrote
     * depends on what it found, so the writes it expects must stay.
     */
    static List<Fact> observed(Operation operation) {
        Call call = operation.call();
        Outcome outcome = operation.outcome();
        return switch (call) {
            case Call.Get get -> outcome instanceof Outcome.ValueRead(String value)
                    ? List.of(Fact.exactly(get.key(), value))
                    : List.of();
            case Call.Cas cas -> switch (outcome) {
                case Outcome.Written written -> List.of(Fact.exactly(cas.key(), cas.expected()));
                case Outcome.Unknown unknown -> List.of(Fact.exactly(cas.key(), cas.expected()));
                case Outcome.CasMismatch(String current) -> List.of(Fact.exactly(cas.key(), current));
                default -> List.of();
            };
            case Call.Delete delete -> outcome instanceof Outcome.Deleted(boolean existed)
                    ? List.of(existed ? Fact.present(delete.key()) : Fact.exactly(delete.key(), null))
                    : List.of();
            case Call.Put put -> List.of();
            case Call.Batch batch -> List.of();
            case Call.Txn txn -> switch (outcome) {
                case Outcome.GuardsFailed(java.util.Map<String, String> found) -> txn.guards().stream()
                        .map(guard -> Fact.exactly(guard.key(), found.get(guard.key()))).toList();
                case Outcome.Written written -> guardFacts(txn);
                case Outcome.Unknown unknown -> guardFacts(txn);
                default -> List.of();
            };
        };
    }

    /** The facts an operation leaves behind if it takes effect (as though it did, for a failed one). */
    static List<Fact> written(Operation operation) {
        Call call = operation.call();
        return switch (call) {
            case Call.Get get -> List.of();
            case Call.Put put -> List.of(Fact.exactly(put.key(), put.value()));
            case Call.Delete delete -> List.of(Fact.exactly(delete.key(), null));
            case Call.Cas cas -> operation.outcome() instanceof Outcome.CasMismatch
                    ? List.of()
                    : List.of(Fact.exactly(cas.key(), cas.newValue()));
            case Call.Batch batch -> writeFacts(batch.writes());
            case Call.Txn txn -> operation.outcome() instanceof Outcome.GuardsFailed ? List.of() : writeFacts(txn.writes());
        };
    }

    private static List<Fact> guardFacts(Call.Txn txn) {
        return txn.guards().stream().map(guard -> Fact.exactly(guard.key(), guard.expected())).toList();
    }

    private static List<Fact> writeFacts(List<Call.BatchWrite> writes) {
        List<Fact> facts = new ArrayList<>(writes.size());
        for (Call.BatchWrite write : writes) {
            facts.add(Fact.exactly(write.key(), write.value()));
        }
        return facts;
    }

    /** Whether {@code observer} depends on any of {@code writer}'s writes. */
    static boolean observesAnyWriteOf(Operation observer, Operation writer) {
        List<Fact> writes = written(writer);
        for (Fact seen : observed(observer)) {
            for (Fact write : writes) {
                if (seen.isExplainedBy(write)) {
                    return true;
                }
            }
        }
        return false;
    }
}
