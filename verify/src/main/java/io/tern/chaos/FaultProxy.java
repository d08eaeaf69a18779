package io.tern.chaos;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.tern.platform.IoTransport;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A fault-injecting TCP proxy: it listens on one address and forwards every connection it accepts,
 * both ways, to one upstream address (and as much again for each route {@link #addRoute} adds),
 * while the faults below are applied. Put one in front of each
 * node (the node binds {@code --listen} and advertises the proxy's address in {@code --cluster})
 * and every byte that reaches the node, from peers and clients alike, passes through it. A node that
 * serves more than one port (its native port and its etcd port) gets one proxy with a route per port
 * ({@link #addRoute}): the proxy stands for the node's network, so every fault hits all of its ports
 * at once, as a real partition would.
 *
 * <p>Faults, each changeable at any time from any thread, taking effect at once on existing and new
 * connections:
 * <ul>
 *   <li>{@link #setDelay}: every chunk of bytes in a direction is held for {@code latency ± jitter}
 *       (uniform, never below zero), drawn from a {@link Random} seeded with {@link #seed()}. Order
 *       within a connection is preserved: a chunk never overtakes the one before it.</li>
 *   <li>{@link #blackhole}: the bytes of a direction are dropped silently (a one-way partition);
 *       {@link #partition()} blackholes both, {@link #heal()} ends both. A connection that lost a
 *       byte carries nothing more, in either direction, and the heal resets it: as TCP, which never
 *       delivers a byte after one it lost. Connections that lost nothing carry on.</li>
 *   <li>{@link #resetConnections()}: closes every current connection with a RST (a network blip).</li>
 *   <li>{@link #setRefuseNew}: new connections are accepted and reset at once.</li>
 * </ul>
 *
 * <p>Threads: one (by default) or two daemon event-loop threads named {@code tern-proxy-*}; each
 * connection's two sides share one of them. Reading pauses on one side while the other side is not
 * writable or while too many delayed bytes are queued, so the proxy's memory stays bounded.
 */
public final class FaultProxy implements AutoCloseable {

    /** Which way bytes flow, seen from the proxy's caller. */
    public enum Direction {
        /** From whoever connected to the proxy toward the upstream address (requests to the node). */
        TO_UPSTREAM,
        /** From the upstream back to whoever connected (the node's answers). */
        FROM_UPSTREAM
    }

    static final int CONNECT_TIMEOUT_MILLIS = 2_000;

    private final InetSocketAddress upstream;
    private final long seed;
    private final Random random;
    private final IoTransport transport;
    private final EventLoopGroup group;
    private final InetSocketAddress localAddress;
    /** Every route: the first, then those {@link #addRoute} added. */
    private final List<Route> routes = new CopyOnWriteArrayList<>();
    private final AtomicReferenceArray<DirectionFaults> faults =
            new AtomicReferenceArray<>(new DirectionFaults[]{DirectionFaults.NONE, DirectionFaults.NONE});
    private final LongAdder[] forwarded = {new LongAdder(), new LongAdder()};
    private final LongAdder[] dropped = {new LongAdder(), new LongAdder()};
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final Set<ProxyLink> links = ConcurrentHashMap.newKeySet();
    private volatile boolean refuseNew;
    private volatile boolean closed;

    private FaultProxy(InetSocketAddress listen, InetSocketAddress upstream, long seed, int threads) {
        this.upstream = Objects.requireNonNull(upstream, "upstream");
        this.seed = seed;
        this.random = new Random(seed);
        this.transport = IoTransport.best();
        this.group = transport.newEventLoopGroup(threads, "tern-proxy");
        try {
            this.localAddress = (InetSocketAddress) bind(listen, upstream).localAddress();
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    private Channel bind(InetSocketAddress listen, InetSocketAddress routeUpstream) {
        Objects.requireNonNull(routeUpstream, "upstream");
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(transport.serverSocketChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new ProxyLink(FaultProxy.this, channel, routeUpstream)
                                .downstreamHandler());
                    }
                });
        try {
            Channel channel = bootstrap.bind(Objects.requireNonNull(listen, "listen")).syncUninterruptibly().channel();
            routes.add(new Route(channel, routeUpstream));
            return channel;
        } catch (RuntimeException e) {
            throw new IllegalStateException("the proxy cannot listen on " + listen + ": " + e.getMessage(), e);
        }
    }

    /** A proxy on {@code listen} (port 0: any free port) forwarding to {@code upstream}, with a random seed. */
    public static FaultProxy start(InetSocketAddress listen, InetSocketAddress upstream) {
        return start(listen, upstream, System.nanoTime());
    }

    /** A proxy whose jitter is drawn from a {@link Random} seeded with {@code seed}, on one thread. */
    public static FaultProxy start(InetSocketAddress listen, InetSocketAddress upstream, long seed) {
        return start(listen, upstream, seed, 1);
    }

    /** As {@link #start(InetSocketAddress, InetSocketAddress, long)} with 1 or 2 event-loop threads. */
    public static FaultProxy start(InetSocketAddress listen, InetSocketAddress upstream, long seed, int threads) {
        if (threads < 1 || threads > 2) {
            throw new IllegalArgumentException("threads must be 1 or 2: " + threads);
        }
        return new FaultProxy(listen, upstream, seed, threads);
    }

    /**
     * Forwards {@code listen} (port 0: any free port) to {@code routeUpstream} too, under this proxy's
     * faults: its connections are delayed, blackholed, reset and refused with the first route's.
     *
     * @return the address the route listens on
     * @throws IllegalStateException if the proxy is closed or {@code listen} cannot be bound
     */
    public InetSocketAddress addRoute(InetSocketAddress listen, InetSocketAddress routeUpstream) {
        if (closed) {
            throw new IllegalStateException("the proxy is closed");
        }
        return (InetSocketAddress) bind(listen, routeUpstream).localAddress();
    }

    /** The address the proxy's first route listens on (the real port when it was asked for port 0). */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** The upstream of the first route. */
    public InetSocketAddress upstream() {
        return upstream;
    }

    /** The seed of the jitter, to print when a test fails. */
    public long seed() {
        return seed;
    }

    /** Delays every chunk of both directions by {@code latency ± jitter}. */
    public void setDelay(Duration latency, Duration jitter) {
        setDelay(Direction.TO_UPSTREAM, latency, jitter);
        setDelay(Direction.FROM_UPSTREAM, latency, jitter);
    }

    /** Delays every chunk going {@code direction} by {@code latency ± jitter}; zero and zero: no delay. */
    public void setDelay(Direction direction, Duration latency, Duration jitter) {
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(jitter, "jitter");
        faults.updateAndGet(direction.ordinal(), current -> current.withDelay(latency, jitter));
    }

    /** Drops every byte going {@code direction}, silently, until {@link #heal()}. */
    public void blackhole(Direction direction) {
        faults.updateAndGet(direction.ordinal(), current -> current.withBlackhole(true));
    }

    /** Blackholes both directions. */
    public void partition() {
        blackhole(Direction.TO_UPSTREAM);
        blackhole(Direction.FROM_UPSTREAM);
    }

    /**
     * Ends every blackhole; delays and {@link #setRefuseNew} stay as they are. The connections that lost
     * bytes to a blackhole are reset (see {@link ProxyLink#lostBytes}); the others carry on.
     */
    public void heal() {
        for (Direction direction : Direction.values()) {
            faults.updateAndGet(direction.ordinal(), current -> current.withBlackhole(false));
        }
        for (ProxyLink link : links) {
            if (link.hasLostBytes()) {
                link.close(true);
            }
        }
    }

    /** Ends every fault: no delay, no blackhole, new connections admitted. */
    public void clearFaults() {
        for (Direction direction : Direction.values()) {
            faults.set(direction.ordinal(), DirectionFaults.NONE);
        }
        refuseNew = false;
    }

    /** While on, each new connection is reset as soon as it is accepted. */
    public void setRefuseNew(boolean refuse) {
        refuseNew = refuse;
    }

    /**
     * Closes every current connection with a RST and waits (up to 5 s) until they are closed.
     *
     * @return how many connections were closed
     */
    public int resetConnections() {
        List<ChannelFuture> closing = new ArrayList<>();
        for (ProxyLink link : links) {
            closing.add(link.close(true));
        }
        for (ChannelFuture future : closing) {
            if (!future.channel().eventLoop().inEventLoop()) {
                future.awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
        }
        return closing.size();
    }

    /** Bytes delivered in {@code direction} so far. */
    public long bytesForwarded(Direction direction) {
        return forwarded[direction.ordinal()].sum();
    }

    /** Bytes dropped in {@code direction} by a blackhole so far. */
    public long bytesDropped(Direction direction) {
        return dropped[direction.ordinal()].sum();
    }

    /** Connections accepted and forwarded so far (refused ones not counted). */
    public long connectionsAccepted() {
        return accepted.get();
    }

    /** Connections reset at once because {@link #setRefuseNew} was on. */
    public long connectionsRefused() {
        return refused.get();
    }

    /** Connections open right now. */
    public int openConnections() {
        return links.size();
    }

    /** Stops listening, closes every connection and the event loop. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Route route : routes) {
            route.listener().close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        for (ProxyLink link : links) {
            link.close(false);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    @Override
    public String toString() {
        return "FaultProxy[" + String.join(", ", routes.stream().map(Route::toString).toList()) + ", to upstream " + faults.get(0)
                + ", from upstream " + faults.get(1) + (refuseNew ? ", refusing new" : "") + ", seed " + seed + "]";
    }

    /** One listening port and where its connections go. */
    private record Route(Channel listener, InetSocketAddress upstream) {
        @Override
        public String toString() {
            return listener.localAddress() + " -> " + upstream;
        }
    }

    // ---- for ProxyLink and DelayedPipe ----

    DirectionFaults faults(Direction direction) {
        return faults.get(direction.ordinal());
    }

    long sampleDelayNanos(DirectionFaults current) {
        if (!current.delays()) {
            return 0;
        }
        long jitter = current.jitterNanos();
        long offset = jitter == 0 ? 0 : random.nextLong(-jitter, jitter + 1);
        return Math.max(0, current.latencyNanos() + offset);
    }

    boolean admit(ProxyLink link) {
        if (closed || refuseNew) {
            refused.incrementAndGet();
            return false;
        }
        accepted.incrementAndGet();
        links.add(link);
        link.downstream().closeFuture().addListener(future -> links.remove(link));
        return true;
    }

    Class<? extends SocketChannel> socketChannelClass() {
        return transport.socketChannel();
    }

    void countForwarded(Direction direction, int bytes) {
        forwarded[direction.ordinal()].add(bytes);
    }

    void countDropped(Direction direction, int bytes) {
        dropped[direction.ordinal()].add(bytes);
    }
}
