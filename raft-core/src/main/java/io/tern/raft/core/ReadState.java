package io.tern.raft.core;

/**
 * A linearizable read that became safe: once the local state machine has applied {@code index}, the
 * read identified by {@code readId} may be answered from it.
 */
public record ReadState(long readId, long index) {
}
