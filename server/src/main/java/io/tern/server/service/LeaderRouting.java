package io.tern.server.service;

import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.raft.node.RaftNotLeaderException;
import io.tern.server.forward.LeaderForwarder;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Runs a request here and, when this node turns out not to lead, either forwards it to the leader
 * ({@code --forward true}) or answers NOT_LEADER with the leader's address. A refusal for not
 * leading means Raft never took the request, so sending it on cannot apply it twice.
 */
final class LeaderRouting {

    private final long selfId;
    private final boolean forward;
    private final LeaderForwarder forwarder;

    LeaderRouting(long selfId, boolean forward, LeaderForwarder forwarder) {
        this.selfId = selfId;
        this.forward = forward;
        this.forwarder = forwarder;
    }

    /**
     * @param write whether the request changes state
     * @param local the request served on this node
     */
    CompletableFuture<Response> run(Request request, boolean write, Supplier<CompletableFuture<Response>> local) {
        return run(request, write, null, local);
    }

    /**
     * @param token where the request goes to the leader, the token to send it with ({@link Request.WithToken}),
     *              so the leader checks it as made by the same user; {@code null} to send it as it is
     */
    CompletableFuture<Response> run(Request request, boolean write, String token,
                                    Supplier<CompletableFuture<Response>> local) {
        CompletableFuture<Response> here;
        try {
            here = local.get();
        } catch (RuntimeException e) {
            here = CompletableFuture.failedFuture(e);
        }
        return here.handle((response, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(response);
            }
            if (Failures.unwrap(error) instanceof RaftNotLeaderException notLeader) {
                return elsewhere(token == null ? request : new Request.WithToken(token, request), write, notLeader);
            }
            return CompletableFuture.completedFuture(Failures.toResponse(request.requestId(), error, write));
        }).thenCompose(answer -> answer);
    }

    /** Sends {@code request} straight to the leader, for a node that knows it does not lead. */
    CompletableFuture<Response> elsewhere(Request request, boolean write, RaftNotLeaderException notLeader) {
        String leader = notLeader.leaderAddress();
        boolean known = !leader.isEmpty() && notLeader.leaderId() != selfId;
        if (!forward) {
            return CompletableFuture.completedFuture(new Response.NotLeader(request.requestId(), known ? leader : ""));
        }
        if (!known) {
            return CompletableFuture.completedFuture(
                    new Response.Unavailable(request.requestId(), "no leader is known; try again shortly"));
        }
        return forwarder.forward(request, leader)
                .exceptionally(error -> Failures.toResponse(request.requestId(), error, write));
    }
}
