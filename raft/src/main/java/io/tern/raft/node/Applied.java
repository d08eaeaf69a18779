package io.tern.raft.node;

import io.tern.engine.state.CommandResult;

/** A proposal's outcome: the entry's index (its revision) and what applying it did. */
public record Applied(long revision, CommandResult result) {
}
