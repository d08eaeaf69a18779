package io.tern.server.forward;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.tern.client.protocol.Opcode;
import io.tern.client.protocol.ProtocolException;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.client.protocol.ResponseCodec;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client-protocol connection from this node to the leader, carrying forwarded requests
 * pipelined under ids of its own. When the connection drops, every request on it fails with
 * {@link ForwardFailedException} ({@code sent = true}: the leader may have applied it).
 */
final class LeaderConnection extends ChannelInboundHandlerAdapter {

    /** Requests sent and not yet answered on one connection; more are refused until answers come. */
    static final int MAX_PENDING = 16_384;

    private record Pending(Opcode opcode, long clientRequestId, CompletableFuture<Response> answer) {
    }

    private final String address;
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(1);
    private volatile Channel channel;
    private volatile boolean lost;

    LeaderConnection(String address) {
        this.address = address;
    }

    void attach(Channel channel) {
        this.channel = channel;
    }

    boolean usable() {
        Channel current = channel;
        return !lost && current != null && current.isActive();
    }

    /**
     * Sends {@code request} unless the leader is not keeping up (the connection is not writable, or
     * {@link #MAX_PENDING} requests wait for answers): then it fails at once, never sent.
     */
    CompletableFuture<Response> send(Request request) {
        CompletableFuture<Response> answer = new CompletableFuture<>();
        Channel current = channel;
        // Decided on the connection's loop, where a write is encoded at once: writability then
        // counts every request taken before, whichever thread forwarded it.
        if (current.eventLoop().inEventLoop()) {
            sendOnLoop(current, request, answer);
        } else {
            try {
                current.eventLoop().execute(() -> sendOnLoop(current, request, answer));
            } catch (RejectedExecutionException e) {
                answer.completeExceptionally(new ForwardFailedException("the node is shutting down", false));
            }
        }
        return answer;
    }

    private void sendOnLoop(Channel current, Request request, CompletableFuture<Response> answer) {
        if (lost || !current.isActive()) {
            // channelInactive runs on this loop too: nothing was sent, so nothing was applied.
            answer.completeExceptionally(new ForwardFailedException("the connection to the leader at " + address
                    + " was lost", false));
            return;
        }
        if (!current.isWritable() || pending.size() >= MAX_PENDING) {
            answer.completeExceptionally(new ForwardFailedException("the leader at " + address + " is not keeping up ("
                    + pending.size() + " requests and " + queuedBytes() + " bytes wait for it); not sent", false));
            return;
        }
        long id = nextId.getAndIncrement();
        pending.put(id, new Pending(request.opcode(), request.requestId(), answer));
        // Dropping the entry on any completion (a timeout included) keeps abandoned requests from piling up.
        answer.whenComplete((response, error) -> pending.remove(id));
        current.writeAndFlush(RequestIds.relabel(request, id)).addListener(write -> {
            if (!write.isSuccess()) {
                answer.completeExceptionally(new ForwardFailedException("could not send to the leader at "
                        + address + ": " + write.cause(), false));
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf body = (ByteBuf) msg;
        try {
            long id = ResponseCodec.peekRequestId(body);
            Pending request = pending.remove(id);
            if (request == null) {
                return; // abandoned after a timeout
            }
            try {
                request.answer().complete(RequestIds.relabel(ResponseCodec.decode(body, request.opcode()),
                        request.clientRequestId()));
            } catch (ProtocolException e) {
                request.answer().completeExceptionally(e);
            }
        } catch (ProtocolException e) {
            ctx.close();
        } finally {
            body.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        lost = true;
        ForwardFailedException error = new ForwardFailedException("the connection to the leader at " + address
                + " was lost", true);
        pending.values().forEach(request -> request.answer().completeExceptionally(error));
        pending.clear();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    /** Bytes written to the connection and not yet taken by the socket. */
    long queuedBytes() {
        Channel current = channel;
        ChannelOutboundBuffer output = current == null ? null : current.unsafe().outboundBuffer();
        return output == null ? 0 : output.totalPendingWriteBytes();
    }

    int pendingCount() {
        return pending.size();
    }

    void close() {
        Channel current = channel;
        if (current != null) {
            current.close();
        }
    }
}
