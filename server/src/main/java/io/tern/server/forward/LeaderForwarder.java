package io.tern.server.forward;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.tern.client.net.ProtocolConnection;
import io.tern.client.net.SendLimits;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.platform.HostPort;
import io.tern.platform.tls.ClientTls;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sends requests that a follower cannot serve to the leader, as an ordinary client would, over one
 * pipelined {@link ProtocolConnection} per leader address, and hands back the leader's answer. Each
 * forwarded request has a deadline a little past the leader's own request timeout, so a leader that
 * stops answering (paused, partitioned) cannot hold a client forever.
 */
public final class LeaderForwarder implements AutoCloseable {

    /**
     * Forwarded bytes that may wait for the leader to read them; past the high mark the connection
     * is not writable and new forwards are refused (UNAVAILABLE: certainly not applied).
     */
    static final WriteBufferWaterMark TO_LEADER_WATER_MARK = new WriteBufferWaterMark(16 << 20, 32 << 20);

    /** Requests sent and not yet answered on one connection; more are refused until answers come. */
    static final int MAX_PENDING = 16_384;

    private static final SendLimits LIMITS = new SendLimits(MAX_PENDING, true);

    private final Bootstrap bootstrap;
    private final ClientTls tls;
    private final Duration deadline;
    /** By the leader's address as STATUS and NOT_LEADER give it, so a forward parses it only to connect. */
    private final Map<String, ProtocolConnection> connections = new ConcurrentHashMap<>();
    private final LongAdder forwardCount = new LongAdder();

    public LeaderForwarder(EventLoopGroup group, Class<? extends SocketChannel> channelType, Duration leaderTimeout) {
        this(group, channelType, leaderTimeout, null);
    }

    /** @param tls how to dial the leader's TLS port (the member's own credentials), or null for plaintext */
    public LeaderForwarder(EventLoopGroup group, Class<? extends SocketChannel> channelType, Duration leaderTimeout,
                           ClientTls tls) {
        this.tls = tls;
        this.bootstrap = new Bootstrap().group(group).channel(channelType)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 1000)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, TO_LEADER_WATER_MARK);
        this.deadline = leaderTimeout.plusSeconds(1);
    }

    /**
     * Forwards {@code request} to {@code leaderAddress} ("host:port"); the answer carries the
     * request's own id. Fails with {@link ForwardFailedException} when the leader cannot be reached
     * or does not answer in time.
     */
    public CompletableFuture<Response> forward(Request request, String leaderAddress) {
        forwardCount.increment();
        ProtocolConnection connection;
        try {
            connection = connection(leaderAddress);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new ForwardFailedException("cannot reach the leader at "
                    + leaderAddress + ": " + e.getMessage(), false));
        }
        ForwardedRequest forwarded = new ForwardedRequest(request, connection);
        // The deadline sits on the request itself, so one the leader never answers leaves the
        // connection's table when it expires (connecting is bounded by the connect timeout).
        CompletableFuture<Response> answer = forwarded.answer().orTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS);
        connection.send(forwarded);
        return answer.exceptionallyCompose(error -> CompletableFuture.failedFuture(explain(error, leaderAddress)));
    }

    private Throwable explain(Throwable error, String leaderAddress) {
        Throwable cause = error instanceof CompletionException wrapped && wrapped.getCause() != null
                ? wrapped.getCause() : error;
        return cause instanceof TimeoutException
                ? new ForwardFailedException("the leader at " + leaderAddress + " did not answer within "
                        + deadline.toMillis() + " ms", true)
                : cause;
    }

    /** The live or connecting connection to {@code leader}, made anew after the last one failed or closed. */
    private ProtocolConnection connection(String leader) {
        ProtocolConnection current = connections.get(leader);
        if (current != null && !current.isDead()) {
            return current;
        }
        return connections.compute(leader, (address, existing) -> {
            if (existing != null && !existing.isDead()) {
                return existing;
            }
            ProtocolConnection fresh = new ProtocolConnection(HostPort.parse(address), bootstrap, LIMITS, tls);
            fresh.start();
            return fresh;
        });
    }

    /** Requests handed to {@link #forward} since this forwarder was made (the metric {@code tern_forwarded_requests_total}). */
    public long forwardedRequests() {
        return forwardCount.sum();
    }

    /** Forwarded bytes waiting to be taken by the sockets to leaders (tests). */
    long queuedBytes() {
        return connections.values().stream().mapToLong(ProtocolConnection::queuedBytes).sum();
    }

    /** Forwarded requests waiting for the leader's answer (tests). */
    int pendingForwards() {
        return connections.values().stream().mapToInt(ProtocolConnection::inFlight).sum();
    }

    @Override
    public void close() {
        connections.values().forEach(ProtocolConnection::close);
        connections.clear();
    }
}
