package io.tern.verify.checker;

import io.tern.verify.history.Call;
import io.tern.verify.history.Operation;
import io.tern.verify.history.Outcome;
import java.util.Optional;

/**
 * An operation's form that writes the same but checks nothing: a CAS becomes the PUT (or DELETE)
 * of its new value, a DELETE forgets whether the key existed, a TXN becomes the BATCH of its writes. Every order valid for the original is
 * valid for the weakened form, so a set of operations that fails with some of them weakened also
 * fails as recorded. The shrinker weakens an operation so that the write it observed can go.
 */
final class Weakening {

    private Weakening() {
    }

    /** The weakened form, or empty when there is none (the operation has no write to keep). */
    static Optional<Operation> withoutObservations(Operation operation) {
        Outcome outcome = operation.outcome();
        Outcome written = outcome instanceof Outcome.Unknown ? outcome : new Outcome.Written();
        return switch (operation.call()) {
            case Call.Cas cas when !(outcome instanceof Outcome.CasMismatch) -> Optional.of(operation.withCallAndOutcome(
                    cas.newValue() == null ? new Call.Delete(cas.key()) : new Call.Put(cas.key(), cas.newValue()),
                    written));
            case Call.Delete delete when outcome instanceof Outcome.Deleted -> Optional.of(operation.withCallAndOutcome(delete, written));
            case Call.Txn txn when !(outcome instanceof Outcome.GuardsFailed) ->
                    Optional.of(operation.withCallAndOutcome(new Call.Batch(txn.writes()), written));
            default -> Optional.empty();
        };
    }
}
