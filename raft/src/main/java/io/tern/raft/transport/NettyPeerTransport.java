package io.tern.raft.transport;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.tern.raft.types.SnapshotChunk;
import io.tern.raft.core.Message;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PeerTransport} over Netty: one outbound connection per peer ({@link PeerConnection}), and
 * inbound connections served either by a {@link PeerServer} of its own (when the config names a
 * listen address) or by the server's shared port through {@link #newPeerChannelHandler()}.
 *
 * <p>All connections share one event loop group of daemon threads named {@code tern-peer-*}.
 * {@link #send} and {@link #sendSnapshotChunk} may be called from any thread and never block.
 */
public final class NettyPeerTransport implements PeerTransport {

    private static final Logger log = LoggerFactory.getLogger(NettyPeerTransport.class);
    private static final long SHUTDOWN_TIMEOUT_MILLIS = 3_000;

    private final PeerTransportConfig config;
    private final EventLoopGroup group;
    /** Peers' names are looked up here, off the event loop, which the Raft loop may share. */
    private final ExecutorService lookups = Executors.newCachedThreadPool(
            Thread.ofPlatform().name("tern-peer-lookup-", 0).daemon().factory());
    private final OffLoopAddressResolverGroup resolver = new OffLoopAddressResolverGroup(lookups);
    private final Map<Long, PeerConnection> peers = new ConcurrentHashMap<>();
    private final LongAdder droppedForUnknownPeers = new LongAdder();
    /** A member that says hello is up: a connection to it waiting out its backoff goes at once. */
    private final PeerVersions peerVersions = new PeerVersions(member -> {
        PeerConnection peer = peers.get(member);
        if (peer != null) {
            peer.peerIsUp();
        }
    });

    private volatile PeerTransport.InboundHandler inbound;
    private PeerServer server;
    private boolean closed;

    public NettyPeerTransport(PeerTransportConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.group = config.io().newEventLoopGroup(config.ioThreads(), "tern-peer");
    }

    @Override
    public synchronized void start(PeerTransport.InboundHandler handler) {
        Objects.requireNonNull(handler, "handler");
        if (closed) {
            throw new IllegalStateException("the transport is closed");
        }
        if (inbound != null) {
            throw new IllegalStateException("the transport is started already");
        }
        inbound = handler;
        if (config.listenAddress() != null) {
            server = PeerServer.bind(config.listenAddress(), group, config.io(), config.clusterId(), handler, peerVersions);
            log.info("Member {} listens for peers on {} ({})", config.localId(), server.localAddress(), config.io());
        }
    }

    /**
     * A handler for one inbound peer connection that the server accepted on its shared port, to sit
     * behind a {@link FrameDecoder}; it dispatches to the handler given to {@link #start}.
     */
    public PeerChannelHandler newPeerChannelHandler() {
        PeerTransport.InboundHandler handler = inbound;
        if (handler == null) {
            throw new IllegalStateException("start the transport before accepting peer connections");
        }
        return new PeerChannelHandler(config.clusterId(), handler, peerVersions);
    }

    @Override
    public int peerVersion(long peerId) {
        return peerVersions.of(peerId);
    }

    /** The address of the transport's own {@link PeerServer}. */
    public synchronized InetSocketAddress localAddress() {
        if (server == null) {
            throw new IllegalStateException("this transport does not listen itself (no listen address, or not started)");
        }
        return server.localAddress();
    }

    @Override
    public void send(Message message, Runnable ifNotSent) {
        PeerConnection peer = peers.get(message.to());
        if (peer == null) {
            droppedForUnknownPeers.increment();
            ifNotSent.run();
            return;
        }
        peer.send(message, ifNotSent);
    }

    @Override
    public CompletableFuture<Void> sendSnapshotChunk(long peerId, long snapshotIndex, SnapshotChunk chunk) {
        Objects.requireNonNull(chunk, "chunk");
        PeerConnection peer = peers.get(peerId);
        if (peer == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("member " + peerId + " is not a peer"));
        }
        if (chunk.data().length > FrameLimits.MAX_SNAPSHOT_CHUNK_DATA_BYTES) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("a chunk of " + chunk.data().length
                    + " bytes is over the limit of " + FrameLimits.MAX_SNAPSHOT_CHUNK_DATA_BYTES));
        }
        return peer.sendChunk(snapshotIndex, chunk);
    }

    @Override
    public synchronized void updatePeers(Map<Long, InetSocketAddress> wanted) {
        if (closed) {
            return;
        }
        Map<Long, InetSocketAddress> next = new HashMap<>(wanted);
        next.remove(config.localId());
        for (PeerConnection peer : peers.values()) {
            InetSocketAddress address = next.get(peer.peerId());
            if (address == null) {
                peers.remove(peer.peerId());
                peer.close("member " + peer.peerId() + " was removed from the peers");
                log.info("Member {} dropped peer {} at {}", config.localId(), peer.peerId(), hostPort(peer.address()));
            } else if (!address.equals(peer.address())) {
                peer.close("member " + peer.peerId() + " moved to " + address);
                peers.put(peer.peerId(), newConnection(peer.peerId(), address, peer.counters()));
                log.info("Member {} now reaches peer {} at {}", config.localId(), peer.peerId(), hostPort(address));
            }
        }
        next.forEach((id, address) -> {
            if (!peers.containsKey(id)) {
                peers.put(id, newConnection(id, address, new MessageCounters()));
                log.info("Member {} added peer {} at {}", config.localId(), id, hostPort(address));
            }
        });
    }

    /** Messages sent and dropped per current peer, for STATUS. */
    public Map<Long, PeerStats> peerStats() {
        Map<Long, PeerStats> stats = new HashMap<>();
        peers.forEach((id, peer) -> stats.put(id, peer.counters().snapshot()));
        return stats;
    }

    /** Messages dropped because their receiver was not a peer (not yet added, or removed already). */
    public long droppedForUnknownPeers() {
        return droppedForUnknownPeers.sum();
    }

    /** Whether the outbound connection to {@code peerId} is up right now. */
    public boolean isConnected(long peerId) {
        PeerConnection peer = peers.get(peerId);
        return peer != null && peer.isConnected();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (server != null) {
            server.close();
        }
        peers.values().forEach(peer -> peer.close("the transport is closed"));
        peers.clear();
        resolver.close();
        lookups.shutdownNow();
        // Queued closes run before the loops stop; no quiet period, since nothing new should arrive.
        if (!group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS + 1_000)) {
            log.warn("The peer transport's threads did not stop within {} ms", SHUTDOWN_TIMEOUT_MILLIS);
        }
    }

    /**
     * An event loop of this transport's connections, for a member's Raft loop to run on: with one I/O
     * thread (the default) that loop then writes every message it sends itself, where a thread of its
     * own would wake the I/O thread for each. It stops when the transport closes.
     */
    public EventLoop eventLoop() {
        return group.next();
    }

    /** The I/O threads, for tests that must hold them still to fill a peer's queue deterministically. */
    EventLoopGroup eventLoopGroup() {
        return group;
    }

    private static String hostPort(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }

    private PeerConnection newConnection(long peerId, InetSocketAddress address, MessageCounters counters) {
        PeerConnection connection = new PeerConnection(peerId, address, group.next(), config, resolver, counters, () -> {
            PeerTransport.InboundHandler handler = inbound;
            if (handler != null) {
                handler.onPeerReachable(peerId);
            }
        });
        connection.requestConnection();
        return connection;
    }
}
