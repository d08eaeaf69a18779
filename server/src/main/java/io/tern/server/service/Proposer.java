package io.tern.server.service;

import io.tern.engine.state.Command;
import io.tern.raft.node.Applied;
import io.tern.raft.node.RaftNode;
import java.util.concurrent.CompletableFuture;

/**
 * How a request's command goes into the log: as made by its user ({@link Command.AsUser}; nobody while
 * authentication is off), so that the auth state at its position in the log decides whether it is
 * applied. Only the members' own commands (lease expiry, automatic compaction, alarms) go in as they are.
 */
@FunctionalInterface
interface Proposer {

    CompletableFuture<Applied> propose(Command command);

    /**
     * Commands made by {@code user} (empty: a caller with no identity).
     *
     * @param here whether this member takes them even if it follows, handing them to its leader over
     *             the members' channel ({@link RaftNode#proposeHere}); otherwise only a leader does
     */
    static Proposer asUser(RaftNode node, String user, boolean here) {
        return here ? command -> node.proposeHere(new Command.AsUser(user, command).encode())
                : command -> node.propose(new Command.AsUser(user, command).encode());
    }
}
