package io.tern.raft.core;

/** Why the core refused a request from its driver. Nothing was appended or changed. */
public enum Rejection {
    /** This node is not the leader; forward to {@code Status#leaderId()} if known. */
    NOT_LEADER,
    /** A leadership transfer is under way; retry once a leader is known. */
    LEADERSHIP_TRANSFER_IN_PROGRESS,
    /** A configuration change is still uncommitted, or the leader has not yet committed an entry of its term. */
    CONFIG_CHANGE_PENDING,
    /** The proposed configuration is not reachable by a single-server change, or has no voter. */
    INVALID_CONFIG_CHANGE,
    /** The transfer target is not a voter of the current configuration. */
    NOT_A_VOTER,
    /**
     * The leader's uncommitted entries already exceed {@code RaftConfig#maxUncommittedBytes}: a quorum is
     * not keeping up (or not reachable); or its driver reported the state machine behind
     * ({@code RaftCore#applierBehind}). Back-pressure: retry later.
     */
    OVERLOADED,
    /**
     * Strict reconfiguration check: the new configuration would have fewer voters that the leader has
     * heard from within an election timeout than a quorum, so it might never commit anything again, not
     * even its own undoing. Transient: retry once the missing voters answer.
     */
    UNHEALTHY_CLUSTER,
    /** The learner to be promoted does not hold enough of the leader's log yet. Transient: retry once it caught up. */
    LEARNER_NOT_CAUGHT_UP,
    /**
     * The payload is over {@code RaftConfig#maxEntryBytes}: no follower could be sent it. Retrying
     * cannot help.
     */
    TOO_LARGE
}
