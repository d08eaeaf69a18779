package io.tern.engine.state;

import io.tern.raft.types.Membership;

import java.util.Objects;

/**
 * Where the applied state stands: the index and term of the last applied entry, and the membership
 * in force after it. Index and term 0 mean nothing was applied yet.
 */
public record StatePoint(long index, long term, Membership membership) {

    public static final StatePoint EMPTY = new StatePoint(0, 0, Membership.EMPTY);

    public StatePoint {
        if (index < 0 || term < 0) {
            throw new IllegalArgumentException("index and term must not be negative, were " + index + " and " + term);
        }
        Objects.requireNonNull(membership, "membership");
    }
}
