package io.tern.server.service;

import io.tern.engine.state.Command;
import io.tern.raft.node.Applied;
import io.tern.raft.node.RaftNode;
import java.util.concurrent.CompletableFuture;

/**
 * How a request's command goes into the log: as it is, or, while authentication is on, as made by its
 * user ({@link Command.AsUser}), so that the auth state at its position in the log decides whether it
 * is applied.
 */
@FunctionalInterface
interface Proposer {

    CompletableFuture<Applied> propose(Command command);

    /** Commands as they are: authentication off. */
    static Proposer plain(RaftNode node) {
        return command -> node.propose(command.encode());
    }

    /** Commands made by {@code user} (empty: a caller with no identity). */
    static Proposer asUser(RaftNode node, String user) {
        return command -> node.propose(new Command.AsUser(user, command).encode());
    }
}
