package io.tern.server;

import io.netty.channel.EventLoopGroup;
import io.tern.engine.EngineConfig;
import io.tern.engine.StorageEngine;
import io.tern.engine.cluster.ClusterIdentity;
import io.tern.engine.log.LogConfig;
import io.tern.engine.meta.DataDirectory;
import io.tern.platform.HostPort;
import io.tern.platform.IoTransport;
import io.tern.platform.tls.TlsConfigException;
import io.tern.raft.node.FatalFailureListener;
import io.tern.raft.node.NodeConfig;
import io.tern.raft.node.NodeRuntime;
import io.tern.raft.node.RaftNode;
import io.tern.raft.transport.NettyPeerTransport;
import io.tern.raft.transport.PeerTransport;
import io.tern.raft.transport.PeerTransportConfig;
import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;
import io.tern.server.compaction.AutoCompactor;
import io.tern.server.forward.LeaderForwarder;
import io.tern.server.lease.LeaseKeeper;
import io.tern.server.metrics.MemberHealth;
import io.tern.server.metrics.MeteredStorage;
import io.tern.server.metrics.MetricsEndpoint;
import io.tern.server.metrics.NodeMeters;
import io.tern.server.metrics.ServerMetrics;
import io.tern.server.net.NodePort;
import io.tern.server.service.RequestDispatcher;
import io.tern.server.service.StatusReport;
import io.tern.server.tls.ServerTls;
import io.tern.server.tls.TlsSettings;
import io.tern.server.watch.EngineHistory;
import io.tern.server.watch.WatchHub;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Tern node: the storage engine, the Raft node above it, and the port that serves clients and
 * members. {@link #start} wires them bottom-up; {@link #close} takes them down top-down, letting
 * requests in flight finish first.
 */
public final class TernServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TernServer.class);
    private static final int NETWORK_THREADS = 2;
    private static final int SNAPSHOT_CHUNK_BYTES = 1 << 20;
    private static final long DRAIN_MILLIS = 5_000;

    private final ServerConfig config;
    private final StorageEngine engine;
    private final NettyPeerTransport peers;
    private final RaftNode node;
    private final EventLoopGroup workers;
    private final LeaderForwarder forwarder;
    private final LeaseKeeper leases;
    private final AutoCompactor compactor;
    private final RequestDispatcher dispatcher;
    private final NodePort port;
    private final DiskSpaceMonitor diskSpace;
    private final WatchHub watchHub;
    private final StatusReport statusReport;
    private final ServerMetrics metrics;
    private final MemberHealth health;
    private final ServerTls tls;
    private final CountDownLatch closed = new CountDownLatch(1);
    private boolean closing;

    private TernServer(ServerConfig config, StorageEngine engine, NettyPeerTransport peers, RaftNode node,
                       EventLoopGroup workers, LeaderForwarder forwarder, LeaseKeeper leases, AutoCompactor compactor,
                       RequestDispatcher dispatcher, NodePort port, DiskSpaceMonitor diskSpace, WatchHub watchHub,
                       StatusReport statusReport, ServerMetrics metrics, MemberHealth health, ServerTls tls) {
        this.config = config;
        this.engine = engine;
        this.peers = peers;
        this.node = node;
        this.workers = workers;
        this.forwarder = forwarder;
        this.leases = leases;
        this.compactor = compactor;
        this.dispatcher = dispatcher;
        this.port = port;
        this.diskSpace = diskSpace;
        this.watchHub = watchHub;
        this.statusReport = statusReport;
        this.metrics = metrics;
        this.health = health;
        this.tls = tls;
    }

    /**
     * Opens the data directory, starts Raft and binds the port.
     *
     * @throws ServerStartException with a one-line message when the node cannot start
     */
    public static TernServer start(ServerConfig config) {
        return start(config, FatalFailureListener.NONE);
    }

    /**
     * As {@link #start(ServerConfig)}; {@code onFatal} is told if the member later stops because its
     * storage or one of its Raft threads failed (the command line exits then).
     */
    public static TernServer start(ServerConfig config, FatalFailureListener onFatal) {
        return start(config, TlsSettings.NONE, onFatal);
    }

    /** As {@link #start(ServerConfig, FatalFailureListener)}, with TLS on the port and between members as {@code tls} says. */
    public static TernServer start(ServerConfig config, TlsSettings tls, FatalFailureListener onFatal) {
        return start(config, tls, onFatal, DiskSpaceMonitor.freeSpaceOf(config.dataDirectory()));
    }

    /** As {@link #start(ServerConfig, FatalFailureListener)}, with the disk monitor reading {@code freeSpace} (tests). */
    static TernServer start(ServerConfig config, FatalFailureListener onFatal, DiskSpaceMonitor.FreeSpace freeSpace) {
        return start(config, TlsSettings.NONE, onFatal, freeSpace);
    }

    private static TernServer start(ServerConfig config, TlsSettings tlsSettings, FatalFailureListener onFatal,
                                    DiskSpaceMonitor.FreeSpace freeSpace) {
        ServerTls tls = startTls(tlsSettings, config.id());
        Optional<ClusterIds.ClusterView> joining;
        ClusterIdentity identity;
        StorageEngine engine;
        try {
            joining = config.join()
                    ? Optional.of(ClusterIds.askMembers(config.id(), config.cluster(), config.requestTimeout(),
                            tls.internalDialing()))
                    : Optional.empty();
            identity = identity(config, joining);
            engine = openEngine(config, identity);
        } catch (RuntimeException | Error e) {
            tls.close();
            throw e;
        }
        ServerMetrics metrics = new ServerMetrics();
        List<AutoCloseable> started = new ArrayList<>(List.of(engine, metrics, tls));
        try {
            // Before Raft applies anything more, so that the watches miss no change.
            WatchHub watchHub = EngineHistory.watch(engine, "tern-watch-" + config.id(), config.watchProgressInterval());
            started.add(0, watchHub);
            IoTransport io = IoTransport.best();
            NettyPeerTransport peers = new NettyPeerTransport(PeerTransportConfig.defaults(config.id(), identity.clusterId())
                    .withIo(io).withTls(tls.peerDialing()));
            started.add(peers);
            RaftNode node = RaftNode.start(new NodeConfig(config.id(), config.join() ? Membership.EMPTY : bootstrap(config),
                    config.heartbeat(), config.electionTimeout(), config.snapshotEntries(), config.requestTimeout(),
                    SNAPSHOT_CHUNK_BYTES), new MeteredStorage(engine, metrics.registry()), joining.<PeerTransport>map(view -> new JoiningPeerTransport(peers,
                    addressesOfOthers(config.id(), view.members()))).orElse(peers),
                    NodeRuntime.threadsWithLoopOn(peers.eventLoop()), onFatal);
            started.add(0, node);
            if (node.status().members().voterIds().equals(List.of(config.id()))) {
                node.campaign(); // a lone voter need not wait an election timeout to lead
            }
            EventLoopGroup workers = io.newEventLoopGroup(NETWORK_THREADS, "tern-net");
            started.add(0, () -> workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly());
            LeaderForwarder forwarder = new LeaderForwarder(workers, io.socketChannel(), config.requestTimeout(),
                    tls.internalDialing());
            started.add(0, forwarder);
            LeaseKeeper leases = LeaseKeeper.start(node, engine, config.electionTimeout());
            started.add(0, leases);
            AutoCompactor compactor = AutoCompactor.start(node, engine, config.autoCompaction());
            started.add(0, compactor);
            MemberHealth health = new MemberHealth(node, engine::alarms, config.electionTimeout());
            StatusReport statusReport = new StatusReport(identity.clusterId(), config.advertisedAddress(),
                    config.fsync().name().toLowerCase(), health, node::contact);
            RequestDispatcher dispatcher = new RequestDispatcher(node, engine, config.maxValueBytes(), config.forward(), forwarder,
                    config.requestTimeout(), statusReport, config.staleReadsForTesting(), leases, config.auth());
            if (config.staleReadsForTesting()) {
                log.warn("member {} serves LINEARIZABLE reads WITHOUT ReadIndex (--test-only-stale-reads): "
                        + "reads may be stale; never use this outside tests", config.id());
            }
            DiskSpaceMonitor diskSpace = new DiskSpaceMonitor(config.id(), config.dataDirectory(),
                    config.diskReserveBytes(), freeSpace, engine::alarms,
                    dispatcher::dispatchOwn).start(config.diskCheckInterval());
            started.add(0, diskSpace);
            NodePort port = bind(config, io, workers, peers, dispatcher, watchHub, metrics, tls);
            NodeMeters.bind(metrics.registry(), node, engine, forwarder, port);
            log.info("member {} of cluster {} serves {} (advertised as {}), data in {}, fsync {}, {}", config.id(),
                    identity.clusterId(), port.localAddress(), config.advertisedAddress(), config.dataDirectory(),
                    config.fsync().name().toLowerCase(), tls.describe());
            return new TernServer(config, engine, peers, node, workers, forwarder, leases, compactor, dispatcher, port,
                    diskSpace, watchHub, statusReport, metrics, health, tls);
        } catch (RuntimeException | Error e) {
            closeAll(started);
            throw e;
        }
    }

    private static NodePort bind(ServerConfig config, IoTransport io, EventLoopGroup workers, NettyPeerTransport peers,
                                 RequestDispatcher dispatcher, WatchHub watchHub, ServerMetrics metrics,
                                 ServerTls tls) {
        try {
            return NodePort.bind(config.listen(), io, workers, peers, dispatcher, config.maxConnections(),
                    config.stallTimeout(), config.maxPendingOutputBytes(), watchHub, metrics.requests(), tls);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServerStartException("interrupted while binding " + config.listen(), e);
        } catch (Exception e) {
            String reason = e instanceof BindException || String.valueOf(e.getMessage()).contains("in use")
                    ? "the address is already in use" : e.getMessage();
            throw new ServerStartException("cannot listen on " + hostPort(config.listen()) + ": " + reason, e);
        }
    }

    private static ServerTls startTls(TlsSettings settings, long memberId) {
        try {
            return ServerTls.start(settings, memberId);
        } catch (TlsConfigException e) {
            throw new ServerStartException(e.getMessage(), e);
        }
    }

    private static Map<Long, InetSocketAddress> addressesOfOthers(long selfId, Map<Long, String> members) {
        Map<Long, InetSocketAddress> addresses = new HashMap<>();
        members.forEach((id, address) -> {
            if (id != selfId) {
                addresses.put(id, HostPort.parse(address).unresolved());
            }
        });
        return addresses;
    }

    private static ClusterIdentity identity(ServerConfig config, Optional<ClusterIds.ClusterView> joining) {
        Optional<ClusterIdentity> existing;
        try {
            Files.createDirectories(config.dataDirectory());
            try (DataDirectory directory = DataDirectory.lock(config.dataDirectory())) {
                existing = directory.identity();
            }
        } catch (IOException e) {
            throw new ServerStartException("cannot create the data directory " + config.dataDirectory() + ": " + e, e);
        } catch (RuntimeException e) {
            throw new ServerStartException(e.getMessage(), e);
        }
        if (existing.isPresent()) {
            ClusterIdentity found = existing.get();
            if (found.memberId() != config.id()) {
                throw new ServerStartException("the data directory " + config.dataDirectory() + " belongs to member "
                        + found.memberId() + " of cluster " + found.clusterId() + ", not member " + config.id(), null);
            }
            if (config.clusterId() != null && !config.clusterId().equals(found.clusterId())) {
                throw new ServerStartException("the data directory " + config.dataDirectory() + " belongs to cluster "
                        + found.clusterId() + ", not " + config.clusterId(), null);
            }
            return found;
        }
        String clusterId = config.clusterId() != null ? config.clusterId()
                : joining.map(ClusterIds.ClusterView::clusterId).orElseGet(() -> ClusterIds.derive(config.cluster()));
        return new ClusterIdentity(clusterId, config.id());
    }

    static StorageEngine openEngine(ServerConfig config, ClusterIdentity identity) {
        try {
            EngineConfig options = EngineConfig.defaults(config.dataDirectory(), identity, config.fsync());
            if (config.logRollCycle() != null) {
                options = new EngineConfig(options.dataDirectory(), identity,
                        options.log().withRollCycle(LogConfig.rollCycleNamed(config.logRollCycle())),
                        options.snapshotsToKeep());
            }
            return StorageEngine.open(options);
        } catch (RuntimeException e) {
            throw new ServerStartException("cannot open the data directory " + config.dataDirectory() + ": "
                    + e.getMessage(), e);
        }
    }

    private static Membership bootstrap(ServerConfig config) {
        List<Member> members = new ArrayList<>();
        config.cluster().forEach((id, address) -> members.add(new Member(id, address, true)));
        return new Membership(members);
    }

    private static String hostPort(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }

    /** The address the port is bound to (useful when the config asked for port 0). */
    public InetSocketAddress boundAddress() {
        return port.localAddress();
    }

    /** The Raft node, for tests and tools in the same JVM. */
    public RaftNode node() {
        return node;
    }

    /** Requests this node has sent on to the leader (tests; the metric {@code tern_forwarded_requests_total}). */
    public long forwardedRequests() {
        return forwarder.forwardedRequests();
    }

    /** The storage engine the Raft node runs on, for tests and tools in the same JVM. */
    public StorageEngine engine() {
        return engine;
    }

    /**
     * What serves a native request on this member (forwarding, read barriers, statuses): for other
     * front ends in the same process, such as the etcd gateway, which must serve through it too.
     */
    public RequestDispatcher dispatcher() {
        return dispatcher;
    }

    /**
     * This member's watches: for other front ends in the same process (the etcd gateway), whose
     * watch streams are sessions of it as native connections are.
     */
    public WatchHub watchHub() {
        return watchHub;
    }

    /**
     * Tells the other members, through STATUS ({@code etcdClientUrl}), where this member serves etcd's
     * API, or that it no longer does ({@code null}): their etcd gateways list it in MemberList.
     */
    public void advertiseEtcdClientUrl(String url) {
        statusReport.etcdClientUrl(url);
    }

    /** This member's TLS: for other front ends in the same process (the etcd gateway) and its own clients. */
    public ServerTls tls() {
        return tls;
    }

    /** This member's meters: what {@code /metrics} shows ({@link MetricsEndpoint}). */
    public ServerMetrics metrics() {
        return metrics;
    }

    /** This member's health: what {@code /health} and STATUS report. */
    public MemberHealth health() {
        return health;
    }

    /**
     * Serves this member's {@code /metrics} and {@code /health} on {@code address} until the endpoint
     * is closed ({@code --metrics-listen}).
     *
     * @throws ServerStartException with one line when the address cannot be bound
     */
    public MetricsEndpoint serveMetrics(InetSocketAddress address) {
        return MetricsEndpoint.start(config.id(), address, metrics::scrape, health);
    }

    /** Connections open on the port now, clients and members. */
    public int openConnections() {
        return port.openConnections();
    }

    public ServerConfig config() {
        return config;
    }

    /** Blocks until {@link #close()} has finished (from another thread or a shutdown hook). */
    public void awaitTermination() throws InterruptedException {
        closed.await();
    }

    /** Graceful stop: refuse new connections, answer or fail in-flight requests, close the engine. */
    @Override
    public void close() {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
        }
        long began = System.nanoTime();
        log.info("member {} stopping gracefully", config.id());
        try {
            port.stopAccepting();
            dispatcher.drain();
            if (!port.awaitRequests(DRAIN_MILLIS)) {
                log.warn("member {} stops with requests still in flight; their clients will see the connection close",
                        config.id());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeAll(List.of(diskSpace, watchHub, port, forwarder, compactor, leases, node, peers,
                    () -> workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly(), engine, metrics,
                    tls));
            log.info("member {} stopped gracefully in {} ms", config.id(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
            closed.countDown();
        }
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                log.warn("closing {} failed: {}", resource, e.toString());
            }
        }
    }
}
