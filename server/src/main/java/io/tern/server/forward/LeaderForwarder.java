package io.tern.server.forward;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.tern.client.protocol.ClientFrameDecoder;
import io.tern.client.protocol.ClientFrameEncoder;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Sends requests that a follower cannot serve to the leader, as an ordinary client would, over one
 * pipelined connection per leader address, and hands back the leader's answer. Each forwarded
 * request has a deadline a little past the leader's own request timeout, so a leader that stops
 * answering (paused, partitioned) cannot hold a client forever.
 */
public final class LeaderForwarder implements AutoCloseable {

    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelType;
    private final Duration deadline;
    private final Map<String, CompletableFuture<LeaderConnection>> connections = new ConcurrentHashMap<>();

    public LeaderForwarder(EventLoopGroup group, Class<? extends SocketChannel> channelType, Duration leaderTimeout) {
        this.group = group;
        this.channelType = channelType;
        this.deadline = leaderTimeout.plusSeconds(1);
    }

    /**
     * Forwards {@code request} to {@code leaderAddress} ("host:port"); the answer carries the
     * request's own id. Fails with {@link ForwardFailedException} when the leader cannot be reached
     * or does not answer in time.
     */
    public CompletableFuture<Response> forward(Request request, String leaderAddress) {
        CompletableFuture<Response> answer = connection(leaderAddress).thenCompose(connection -> connection.send(request));
        return answer.orTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionallyCompose(error -> CompletableFuture.failedFuture(
                        error instanceof java.util.concurrent.TimeoutException
                                ? new ForwardFailedException("the leader at " + leaderAddress + " did not answer within "
                                + deadline.toMillis() + " ms", true)
                                : error instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                                ? c.getCause() : error));
    }

    private CompletableFuture<LeaderConnection> connection(String address) {
        CompletableFuture<LeaderConnection> existing = connections.get(address);
        if (existing != null && (!existing.isDone() || usable(existing))) {
            return existing;
        }
        CompletableFuture<LeaderConnection> fresh = new CompletableFuture<>();
        CompletableFuture<LeaderConnection> raced = existing == null ? connections.putIfAbsent(address, fresh)
                : connections.replace(address, existing, fresh) ? null : connections.get(address);
        if (raced != null) {
            return raced;
        }
        connect(address, fresh);
        return fresh;
    }

    private static boolean usable(CompletableFuture<LeaderConnection> connection) {
        return !connection.isCompletedExceptionally() && connection.join().usable();
    }

    private void connect(String address, CompletableFuture<LeaderConnection> result) {
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon);
        int port = Integer.parseInt(address.substring(colon + 1));
        LeaderConnection connection = new LeaderConnection(address);
        ChannelFuture connecting = new Bootstrap().group(group).channel(channelType)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 1000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new ClientFrameEncoder(), new ClientFrameDecoder(), connection);
                    }
                })
                .connect(host, port);
        connecting.addListener(done -> {
            if (done.isSuccess()) {
                connection.attach(connecting.channel());
                result.complete(connection);
            } else {
                connections.remove(address, result);
                result.completeExceptionally(new ForwardFailedException("cannot reach the leader at " + address + ": "
                        + done.cause().getMessage(), false));
            }
        });
    }

    @Override
    public void close() {
        connections.values().forEach(connection -> connection.thenAccept(LeaderConnection::close));
        connections.clear();
    }
}
