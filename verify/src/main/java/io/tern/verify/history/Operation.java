package io.tern.verify.history;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Objects;

/**
 * One call by one client, with when it was invoked and when its answer arrived (nanoseconds on one
 * clock shared by every client of the run), and the revision the server returned, if any.
 *
 * <p>An operation whose outcome is {@link Outcome.Unknown} never completes: its completion time is
 * {@link #NEVER}, whatever the client did when it gave up, because the moment a client stops
 * waiting says nothing about when (or whether) the operation takes effect.
 */
public record Operation(int process, Call call, Outcome outcome, long invokeNanos, long completeNanos, long revision) {

    /** The completion time of an operation whose outcome is unknown: +infinity. */
    public static final long NEVER = Long.MAX_VALUE;

    /** The revision of an operation that got none (a failure, an unknown outcome). */
    public static final long NO_REVISION = -1;

    public Operation {
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(outcome, "outcome");
        if (outcome instanceof Outcome.Unknown) {
            completeNanos = NEVER;
        }
        if (completeNanos < invokeNanos) {
            throw new IllegalArgumentException("completed at " + completeNanos + " before its invocation at " + invokeNanos);
        }
        if (!fits(call, outcome)) {
            throw new IllegalArgumentException("outcome " + outcome + " cannot answer " + call);
        }
    }

    /** An operation that ended without a revision (the checker does not need one). */
    public Operation(int process, Call call, Outcome outcome, long invokeNanos, long completeNanos) {
        this(process, call, outcome, invokeNanos, completeNanos, NO_REVISION);
    }

    /** An operation whose outcome is unknown: it stays open forever. */
    public static Operation unknown(int process, Call call, long invokeNanos, String reason) {
        return new Operation(process, call, new Outcome.Unknown(reason), invokeNanos, NEVER, NO_REVISION);
    }

    @JsonIgnore
    public boolean isUnknown() {
        return outcome instanceof Outcome.Unknown;
    }

    @JsonIgnore
    public boolean isFailed() {
        return outcome instanceof Outcome.Failed;
    }

    /** Another call and outcome at the same times, by the same process (used to weaken an operation). */
    public Operation withCallAndOutcome(Call other, Outcome otherOutcome) {
        return new Operation(process, other, otherOutcome, invokeNanos, completeNanos, revision);
    }

    private static boolean fits(Call call, Outcome outcome) {
        return switch (outcome) {
            case Outcome.Failed failed -> true;
            case Outcome.Unknown unknown -> true;
            case Outcome.ValueRead read -> call instanceof Call.Get;
            case Outcome.Deleted deleted -> call instanceof Call.Delete;
            case Outcome.CasMismatch mismatch -> call instanceof Call.Cas;
            case Outcome.GuardsFailed failed -> call instanceof Call.Txn;
            case Outcome.Written written -> !(call instanceof Call.Get);
        };
    }
}
