package io.tern.engine.meta;

import io.tern.raft.types.Membership;

import java.util.Objects;

/**
 * What a member records besides its log and snapshots: the term and vote of Raft's hard state
 * (0 = no vote; the commit index lives in the log), and the membership the log started from (the
 * bootstrap configuration).
 */
public record MemberRecord(long term, long votedFor, Membership bootstrapMembership) {

    public static final MemberRecord INITIAL = new MemberRecord(0, 0, Membership.EMPTY);

    public MemberRecord {
        if (term < 0 || votedFor < 0) {
            throw new IllegalArgumentException("term and vote must not be negative");
        }
        Objects.requireNonNull(bootstrapMembership, "bootstrapMembership");
    }

    public MemberRecord withTermAndVote(long newTerm, long newVote) {
        return new MemberRecord(newTerm, newVote, bootstrapMembership);
    }
}
