package io.tern.server.forward;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.tern.client.protocol.Opcode;
import io.tern.client.protocol.ProtocolException;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.client.protocol.ResponseCodec;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client-protocol connection from this node to the leader, carrying forwarded requests
 * pipelined under ids of its own. When the connection drops, every request on it fails with
 * {@link ForwardFailedException} ({@code sent = true}: the leader may have applied it).
 */
final class LeaderConnection extends ChannelInboundHandlerAdapter {

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

    CompletableFuture<Response> send(Request request) {
        CompletableFuture<Response> answer = new CompletableFuture<>();
        long id = nextId.getAndIncrement();
        pending.put(id, new Pending(request.opcode(), request.requestId(), answer));
        // Dropping the entry on any completion (a timeout included) keeps abandoned requests from piling up.
        answer.whenComplete((response, error) -> pending.remove(id));
        channel.writeAndFlush(RequestIds.relabel(request, id)).addListener(write -> {
            if (!write.isSuccess()) {
                answer.completeExceptionally(new ForwardFailedException("could not send to the leader at "
                        + address + ": " + write.cause(), false));
            }
        });
        if (lost) {
            answer.completeExceptionally(new ForwardFailedException("the connection to the leader at " + address
                    + " was lost", true));
        }
        return answer;
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

    void close() {
        Channel current = channel;
        if (current != null) {
            current.close();
        }
    }
}
