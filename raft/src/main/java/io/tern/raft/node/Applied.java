package io.tern.raft.node;

/**
 * A proposal's outcome: the entry's index (its revision) and what applying it did, as the state
 * machine reported it (the driver does not look inside; the server knows the engine's result types).
 */
public record Applied(long revision, Object result) {
}
