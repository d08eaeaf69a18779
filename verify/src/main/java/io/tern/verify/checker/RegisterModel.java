package io.tern.verify.checker;

import io.tern.verify.history.Call;
import io.tern.verify.history.Outcome;
import java.util.Objects;
import java.util.Optional;

/**
 * One key as a register: GET, PUT, DELETE and CAS. The rules for a single key live here, and the
 * multi-key {@link KeyValueMapModel} applies them key by key.
 */
public final class RegisterModel implements Model<Register> {

    public static final RegisterModel INSTANCE = new RegisterModel();

    private RegisterModel() {
    }

    @Override
    public Register initialState() {
        return Register.ABSENT;
    }

    @Override
    public Optional<Register> step(Register state, Call call, Outcome outcome) {
        return next(state, call, outcome);
    }

    @Override
    public boolean neverChangesState(Call call, Outcome outcome) {
        return isPureObservation(call, outcome);
    }

    @Override
    public boolean dependsOnState(Call call, Outcome outcome) {
        return isConditionalWrite(call, outcome);
    }

    @Override
    public String describe(Register state) {
        return state.toString();
    }

    /** A successful CAS, or a DELETE that tells whether the key existed: a write that checked the state first. */
    static boolean isConditionalWrite(Call call, Outcome outcome) {
        return (call instanceof Call.Cas || call instanceof Call.Txn) && outcome instanceof Outcome.Written
                || call instanceof Call.Delete && outcome instanceof Outcome.Deleted;
    }

    /** A GET, a CAS that found another value, a DELETE that found nothing: each changes nothing where legal. */
    static boolean isPureObservation(Call call, Outcome outcome) {
        return call instanceof Call.Get && outcome instanceof Outcome.ValueRead
                || call instanceof Call.Cas && outcome instanceof Outcome.CasMismatch
                || call instanceof Call.Txn && outcome instanceof Outcome.GuardsFailed
                || call instanceof Call.Delete && outcome instanceof Outcome.Deleted(boolean existed) && !existed;
    }

    /** One single-key call applied to one key; a BATCH is the map model's business. */
    static Optional<Register> next(Register current, Call call, Outcome outcome) {
        boolean unknown = outcome instanceof Outcome.Unknown;
        return switch (call) {
            case Call.Get get -> unknown || outcome instanceof Outcome.ValueRead(String read) && Objects.equals(read, current.value())
                    ? Optional.of(current)
                    : Optional.empty();
            case Call.Put put -> Optional.of(new Register(put.value()));
            case Call.Delete delete -> outcome instanceof Outcome.Deleted(boolean existed) && existed != (current.value() != null)
                    ? Optional.empty()
                    : Optional.of(Register.ABSENT);
            case Call.Cas cas -> cas(current, cas, outcome);
            case Call.Batch batch -> throw new IllegalArgumentException("a register holds one key; a batch needs KeyValueMapModel");
            case Call.Txn txn -> throw new IllegalArgumentException("a register holds one key; a txn needs KeyValueMapModel");
        };
    }

    private static Optional<Register> cas(Register current, Call.Cas cas, Outcome outcome) {
        boolean matches = Objects.equals(current.value(), cas.expected());
        return switch (outcome) {
            case Outcome.Written written -> matches ? Optional.of(new Register(cas.newValue())) : Optional.empty();
            case Outcome.CasMismatch(String seen) -> !matches && Objects.equals(seen, current.value())
                    ? Optional.of(current)
                    : Optional.empty();
            // Either it found its expected value and wrote, or it did not and changed nothing.
            case Outcome.Unknown unknown -> Optional.of(matches ? new Register(cas.newValue()) : current);
            default -> Optional.empty();
        };
    }
}
