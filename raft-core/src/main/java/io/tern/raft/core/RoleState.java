package io.tern.raft.core;

/** How a node in one role reacts to messages of its current term. One implementation per role. */
sealed interface RoleState permits FollowerState, CandidateState, LeaderState {

    Role role();

    /** A message of the node's current term that is not a vote request (those are handled alike by all roles). */
    void step(Message message);

    /** Before a {@link Ready} is cut: emit the messages that were batched up. */
    default void flush() {
    }

    /** The driver made the previous {@link Ready} durable. */
    default void onPersisted() {
    }

    /** The commit index advanced. */
    default void onCommit() {
    }

    /** The node is leaving this role. */
    default void onExit() {
    }
}
