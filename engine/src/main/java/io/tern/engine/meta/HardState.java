package io.tern.engine.meta;

import io.tern.raft.types.Membership;

import java.util.Objects;

/**
 * What Raft must remember across restarts besides its log: the current term, the vote cast in it
 * (0 = none), and the membership the log started from (the bootstrap configuration).
 */
public record HardState(long term, long votedFor, Membership bootstrapMembership) {

    public static final HardState INITIAL = new HardState(0, 0, Membership.EMPTY);

    public HardState {
        if (term < 0 || votedFor < 0) {
            throw new IllegalArgumentException("term and vote must not be negative");
        }
        Objects.requireNonNull(bootstrapMembership, "bootstrapMembership");
    }

    public HardState withTermAndVote(long newTerm, long newVote) {
        return new HardState(newTerm, newVote, bootstrapMembership);
    }
}
