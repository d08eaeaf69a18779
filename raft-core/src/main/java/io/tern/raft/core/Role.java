package io.tern.raft.core;

/** The role a node plays in its current term. */
public enum Role {
    FOLLOWER,
    /** Asking for pre-votes: probing whether an election could be won, without raising its term. */
    PRE_CANDIDATE,
    CANDIDATE,
    LEADER
}
