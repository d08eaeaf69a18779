package io.tern.raft.node;

import io.tern.raft.types.Membership;
import io.tern.raft.core.Role;

/** What STATUS reports of a node; {@code leaderId} is 0 and {@code leaderAddress} null when unknown. */
public record NodeStatus(long id, Role role, long term, long leaderId, String leaderAddress, long commitIndex,
                         long appliedIndex, long snapshotIndex, long firstLogIndex, long lastLogIndex,
                         Membership members) {
}
