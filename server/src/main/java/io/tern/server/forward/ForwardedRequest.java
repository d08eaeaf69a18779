package io.tern.server.forward;

import io.tern.client.net.ConnectionBusyException;
import io.tern.client.net.ProtocolConnection;
import io.tern.client.protocol.MalformedResponseException;
import io.tern.client.protocol.Opcode;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * One client's request on its way to the leader: it travels under an id of the forwarding
 * connection and its answer comes back under the id the client chose. Its future fails with
 * {@link ForwardFailedException} when the leader cannot be reached or the connection drops.
 */
final class ForwardedRequest implements ProtocolConnection.Exchange {

    private final Request request;
    private final ProtocolConnection connection;
    private final CompletableFuture<Response> answer = new CompletableFuture<>();
    private volatile long idToLeader;

    ForwardedRequest(Request request, ProtocolConnection connection) {
        this.request = request;
        this.connection = connection;
        // Dropping the entry on any completion (a timeout included) keeps abandoned requests from piling up.
        answer.whenComplete((response, error) -> connection.forget(idToLeader, this));
    }

    CompletableFuture<Response> answer() {
        return answer;
    }

    @Override
    public Opcode opcode() {
        return request.answerOpcode();
    }

    @Override
    public Request request(long requestId) {
        idToLeader = requestId;
        return answer.isDone() ? null : RequestIds.relabel(request, requestId);
    }

    @Override
    public void answered(Response response) {
        answer.complete(RequestIds.relabel(response, request.requestId()));
    }

    @Override
    public void notSent(Throwable cause) {
        String leader = "the leader at " + connection.address();
        String why = switch (cause) {
            case ConnectionBusyException busy -> leader + " is not keeping up (" + busy.inFlight() + " requests and "
                    + busy.queuedBytes() + " bytes wait for it); not sent";
            case RejectedExecutionException shutdown -> "the node is shutting down";
            case Throwable notConnected when !connection.connected() -> "cannot reach " + leader + ": "
                    + notConnected.getMessage();
            case ClosedChannelException closed -> "the connection to " + leader + " was lost";
            default -> "could not send to " + leader + ": " + cause;
        };
        answer.completeExceptionally(new ForwardFailedException(why, false));
    }

    @Override
    public void lost(Throwable cause) {
        answer.completeExceptionally(new ForwardFailedException("the connection to the leader at "
                + connection.address() + " was lost", true));
    }

    @Override
    public void malformed(MalformedResponseException e) {
        answer.completeExceptionally(e);
    }
}
