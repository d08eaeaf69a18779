package io.tern.raft.core;

import java.util.Objects;

/**
 * The immediate answer to a proposal. Acceptance only means the entry was appended to the leader's
 * log: it is committed if and when an entry with this index <em>and term</em> is handed out in
 * {@link Ready#committedEntries()}; if a different term shows up at that index, the proposal was lost.
 */
public sealed interface ProposeResult {

    /** The entry got this index and term. */
    record Accepted(long index, long term) implements ProposeResult {
    }

    /**
     * Nothing was appended; {@code leaderHint} is the leader this node knows of, or {@link RaftCore#NONE};
     * {@code detail} says in words what the reason alone does not (the numbers behind it), or is empty.
     */
    record Rejected(Rejection reason, long leaderHint, String detail) implements ProposeResult {

        public Rejected {
            Objects.requireNonNull(detail, "detail");
        }

        public Rejected(Rejection reason, long leaderHint) {
            this(reason, leaderHint, "");
        }
    }

    /**
     * A proposal a follower handed to its leader ({@link RaftCore#proposeHere}) whose answer did not
     * come back in time, or came after its entry had already been applied: it may or may not be
     * committed, and {@code reason} says why nobody can tell.
     */
    record Unanswered(String reason) implements ProposeResult {

        public Unanswered {
            Objects.requireNonNull(reason, "reason");
        }
    }

    default boolean accepted() {
        return this instanceof Accepted;
    }
}
