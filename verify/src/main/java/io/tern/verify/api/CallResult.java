package io.tern.verify.api;

import io.tern.verify.history.Operation;
import io.tern.verify.history.Outcome;
import java.util.Objects;

/**
 * How one call of the history ended, as its client learned it, and the revision the cluster
 * answered with ({@link Operation#NO_REVISION} when it answered none).
 */
public record CallResult(Outcome outcome, long revision) {

    public CallResult {
        Objects.requireNonNull(outcome, "outcome");
    }

    /** The call certainly took no effect. */
    public static CallResult failed(String reason) {
        return new CallResult(new Outcome.Failed(reason), Operation.NO_REVISION);
    }

    /** The call may or may not have taken effect. */
    public static CallResult unknown(String reason) {
        return new CallResult(new Outcome.Unknown(reason), Operation.NO_REVISION);
    }
}
