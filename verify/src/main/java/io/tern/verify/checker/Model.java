package io.tern.verify.checker;

import io.tern.verify.history.Call;
import io.tern.verify.history.Outcome;
import java.util.Optional;

/**
 * A sequential specification: what one operation does to a state and which results it may give.
 * States must be immutable values (equal states compare equal), because the search remembers the
 * states it has already explored.
 *
 * @param <S> the state type
 */
public interface Model<S> {

    S initialState();

    /**
     * The state after {@code call} takes effect in {@code state}, or empty when {@code outcome}
     * could not have been observed from {@code state}. The outcome is {@link Outcome.Ok} or
     * {@link Outcome.Unknown}; an unknown outcome is possible from every state.
     */
    Optional<S> step(S state, Call call, Outcome outcome);

    /**
     * Whether this operation, wherever it is legal, leaves the state exactly as it found it (a
     * read). The search places such an operation as soon as it is legal and tries nothing else
     * there: any valid order from that point can be rearranged to start with it, since nothing
     * still pending can have had to precede it and it changes nothing for those after it. Without
     * this, concurrent reads of one value commute yet make each subset of them a new configuration,
     * and a search with many clients drowns in them. Answering false is always correct.
     */
    default boolean neverChangesState(Call call, Outcome outcome) {
        return false;
    }

    /**
     * Whether this operation's legality depends on the state (a successful CAS, a DELETE that
     * reports whether the key existed). The search tries such an operation early while it is
     * legal, before another write takes its precondition away. Only an ordering hint: answering
     * false is always correct, just slower.
     */
    default boolean dependsOnState(Call call, Outcome outcome) {
        return false;
    }

    /** The state as a person reads it. */
    String describe(S state);
}
