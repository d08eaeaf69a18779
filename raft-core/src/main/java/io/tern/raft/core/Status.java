package io.tern.raft.core;

import io.tern.raft.types.Membership;

/** A point-in-time view of a core, for status pages, drivers and tests. */
public record Status(
        long id,
        Role role,
        long term,
        long vote,
        long leaderId,
        long commitIndex,
        long appliedIndex,
        long firstIndex,
        long lastIndex,
        Membership membership,
        long leadTransferee) {

    public boolean isLeader() {
        return role == Role.LEADER;
    }
}
