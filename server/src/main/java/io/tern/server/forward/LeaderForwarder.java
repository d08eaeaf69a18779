package io.tern.server.forward;

import io.tern.platform.HostPort;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.tern.client.protocol.ClientFrameDecoder;
import io.tern.client.protocol.ClientFrameEncoder;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends requests that a follower cannot serve to the leader, as an ordinary client would, over one
 * pipelined connection per leader address, and hands back the leader's answer. Each forwarded
 * request has a deadline a little past the leader's own request timeout, so a leader that stops
 * answering (paused, partitioned) cannot hold a client forever.
 */
public final class LeaderForwarder implements AutoCloseable {

    /**
     * Forwarded bytes that may wait for the leader to read them; past the high mark the connection
     * is not writable and new forwards are refused (UNAVAILABLE: certainly not applied).
     */
    static final WriteBufferWaterMark TO_LEADER_WATER_MARK = new WriteBufferWaterMark(16 << 20, 32 << 20);

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
        // The deadline sits on the send itself, so a request the leader never answers leaves the
        // connection's table when it expires (connecting is bounded by the connect timeout).
        return connection(leaderAddress)
                .thenCompose(connection -> connection.send(request).orTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS))
                .exceptionallyCompose(error -> CompletableFuture.failedFuture(explain(error, leaderAddress)));
    }

    private Throwable explain(Throwable error, String leaderAddress) {
        Throwable cause = error instanceof CompletionException wrapped && wrapped.getCause() != null
                ? wrapped.getCause() : error;
        return cause instanceof TimeoutException
                ? new ForwardFailedException("the leader at " + leaderAddress + " did not answer within "
                        + deadline.toMillis() + " ms", true)
                : cause;
    }

    private CompletableFuture<LeaderConnection> connection(String address) {
        List<CompletableFuture<LeaderConnection>> created = new ArrayList<>(1);
        CompletableFuture<LeaderConnection> chosen = connections.compute(address, (key, current) -> {
            if (current != null && (!current.isDone() || usable(current))) {
                return current;
            }
            CompletableFuture<LeaderConnection> fresh = new CompletableFuture<>();
            created.add(fresh);
            return fresh;
        });
        // Connecting happens outside compute(): a failed connect removes its entry from the map.
        if (!created.isEmpty() && chosen == created.getFirst()) {
            connect(address, chosen);
        }
        return chosen;
    }

    private static boolean usable(CompletableFuture<LeaderConnection> connection) {
        return !connection.isCompletedExceptionally() && connection.join().usable();
    }

    private void connect(String address, CompletableFuture<LeaderConnection> result) {
        LeaderConnection connection = new LeaderConnection(address);
        ChannelFuture connecting = new Bootstrap().group(group).channel(channelType)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 1000)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, TO_LEADER_WATER_MARK)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new ClientFrameEncoder(), new ClientFrameDecoder(), connection);
                    }
                })
                .connect(HostPort.parse(address).unresolved());
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

    /** Forwarded bytes waiting to be taken by the sockets to leaders (tests). */
    long queuedBytes() {
        return openConnections().stream().mapToLong(LeaderConnection::queuedBytes).sum();
    }

    /** Forwarded requests waiting for the leader's answer (tests). */
    int pendingForwards() {
        return openConnections().stream().mapToInt(LeaderConnection::pendingCount).sum();
    }

    private List<LeaderConnection> openConnections() {
        return connections.values().stream().filter(c -> c.isDone() && !c.isCompletedExceptionally())
                .map(CompletableFuture::join).toList();
    }

    @Override
    public void close() {
        connections.values().forEach(connection -> connection.thenAccept(LeaderConnection::close));
        connections.clear();
    }
}
