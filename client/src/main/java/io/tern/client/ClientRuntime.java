package io.tern.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import io.tern.client.net.ProtocolConnection;
import io.tern.platform.HostPort;
import io.tern.platform.tls.ClientTls;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The machinery under one {@link TernClient}: its I/O threads, timer, connection pools and
 * endpoint router, and their shutdown.
 */
final class ClientRuntime implements CallContext {

    private static final long TIMER_TICK_MILLIS = 10;
    private static final long CLOSE_WAIT_SECONDS = 5;

    private final EndpointRouter router;
    private final int connectionsPerEndpoint;
    private final ClientTls tls;
    private final EventLoopGroup group;
    private final HashedWheelTimer timer;
    private final Bootstrap bootstrap;
    private final ConcurrentHashMap<HostPort, EndpointPool> pools = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ClientCredentials credentials;

    ClientRuntime(ClientSettings settings) {
        this.credentials = settings.credentials();
        this.router = new EndpointRouter(settings.endpoints());
        this.connectionsPerEndpoint = settings.connectionsPerEndpoint();
        this.tls = settings.tls();
        ClientThreads[] threads = ClientThreads.forClient(this);
        int ioThreads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        this.group = new MultiThreadIoEventLoopGroup(ioThreads, threads[0], NioIoHandler.newFactory());
        this.timer = new HashedWheelTimer(threads[1], TIMER_TICK_MILLIS, TimeUnit.MILLISECONDS, 512);
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, Math.max(1, settings.connectTimeout().toMillis())));
    }

    @Override
    public Timeout schedule(TimerTask task, long delayNanos) {
        return timer.newTimeout(task, delayNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public EndpointRouter router() {
        return router;
    }

    @Override
    public ClientCredentials credentials() {
        return credentials;
    }

    @Override
    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public ProtocolConnection connection(HostPort endpoint) {
        if (closed.get()) {
            return null;
        }
        EndpointPool pool = pools.get(endpoint);
        if (pool == null) {
            pool = pools.computeIfAbsent(endpoint, e -> new EndpointPool(e, bootstrap, connectionsPerEndpoint, tls));
        }
        return pool.acquire();
    }

    /** Whether the calling thread is one of this client's (a callback of one of its futures). */
    boolean ownsCurrentThread() {
        return ClientThreads.isOwnedBy(this);
    }

    /** How many requests await an answer on all connections (a late answer's entry must not linger). */
    int inFlight() {
        int total = 0;
        for (EndpointPool pool : pools.values()) {
            total += pool.inFlight();
        }
        return total;
    }

    /**
     * Fails the calls under way, closes the connections and stops the threads, waiting a few
     * seconds at most; from one of the client's own threads, another thread does it. Closing twice
     * does nothing.
     */
    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (ownsCurrentThread()) {
            // From a callback: this thread cannot wait for itself to stop, so another one finishes the job.
            Thread closer = new Thread(this::shutDown, "tern-client-close");
            closer.setDaemon(true);
            closer.start();
            return;
        }
        shutDown();
    }

    private void shutDown() {
        for (Timeout pending : timer.stop()) {
            if (pending.task() instanceof Call<?> call) {
                call.closed();
            }
        }
        pools.values().forEach(EndpointPool::close);
        group.shutdownGracefully(0, CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)
                .awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
    }
}
