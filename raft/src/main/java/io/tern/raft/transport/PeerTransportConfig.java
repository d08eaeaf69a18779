package io.tern.raft.transport;

import io.tern.platform.IoTransport;
import io.tern.platform.tls.ClientTls;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link NettyPeerTransport}.
 *
 * @param localId               this node's member id, announced in every PEER_HELLO
 * @param clusterId             the cluster this node belongs to; connections from another are refused
 * @param listenAddress         where to accept peers with a {@link PeerServer} of its own, or null when
 *                              the server accepts them on its shared port (see
 *                              {@link NettyPeerTransport#newPeerChannelHandler()})
 * @param io                    epoll or NIO
 * @param ioThreads             event loop threads, shared by every peer connection
 * @param connectTimeout        how long one connection attempt may take
 * @param chunkAckTimeout       how long a snapshot chunk may wait, for room and then for its ack
 * @param maxQueuedBytesPerPeer the most bytes that may wait to be written to one peer; Raft messages
 *                              beyond it are dropped and chunks wait. One frame is always accepted
 *                              into an empty queue, so this may be below the largest frame.
 * @param reconnectBackoff      the delays between connection attempts
 * @param tls                   how to dial members over TLS (the peer certificate, the peer CA), or
 *                              null for plaintext
 */
public record PeerTransportConfig(
        long localId,
        String clusterId,
        InetSocketAddress listenAddress,
        IoTransport io,
        int ioThreads,
        Duration connectTimeout,
        Duration chunkAckTimeout,
        long maxQueuedBytesPerPeer,
        Backoff reconnectBackoff,
        ClientTls tls) {

    public PeerTransportConfig {
        if (localId < 1) {
            throw new IllegalArgumentException("member id must be positive, was " + localId);
        }
        if (clusterId == null || clusterId.isBlank()) {
            throw new IllegalArgumentException("cluster id must not be blank");
        }
        Objects.requireNonNull(io, "io");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(chunkAckTimeout, "chunkAckTimeout");
        Objects.requireNonNull(reconnectBackoff, "reconnectBackoff");
        if (ioThreads < 1 || maxQueuedBytesPerPeer < 1 || connectTimeout.isNegative() || connectTimeout.isZero()
                || chunkAckTimeout.isNegative() || chunkAckTimeout.isZero()) {
            throw new IllegalArgumentException("threads, timeouts and queue size must be positive");
        }
    }

    /**
     * One I/O thread (a handful of peer connections do not need more), the best available I/O,
     * 1 s to connect, 10 s per snapshot chunk, 32 MiB queued per peer (a few full frames), and
     * {@link Backoff#defaults()}. Listens on nothing: see {@link #withListenAddress}.
     */
    public static PeerTransportConfig defaults(long localId, String clusterId) {
        return new PeerTransportConfig(localId, clusterId, null, IoTransport.best(), 1, Duration.ofSeconds(1),
                Duration.ofSeconds(10), 32L * 1024 * 1024, Backoff.defaults(), null);
    }

    public PeerTransportConfig withListenAddress(InetSocketAddress address) {
        return new PeerTransportConfig(localId, clusterId, address, io, ioThreads, connectTimeout, chunkAckTimeout,
                maxQueuedBytesPerPeer, reconnectBackoff, tls);
    }

    public PeerTransportConfig withIo(IoTransport transport) {
        return new PeerTransportConfig(localId, clusterId, listenAddress, transport, ioThreads, connectTimeout,
                chunkAckTimeout, maxQueuedBytesPerPeer, reconnectBackoff, tls);
    }

    public PeerTransportConfig withChunkAckTimeout(Duration timeout) {
        return new PeerTransportConfig(localId, clusterId, listenAddress, io, ioThreads, connectTimeout, timeout,
                maxQueuedBytesPerPeer, reconnectBackoff, tls);
    }

    public PeerTransportConfig withMaxQueuedBytesPerPeer(long bytes) {
        return new PeerTransportConfig(localId, clusterId, listenAddress, io, ioThreads, connectTimeout,
                chunkAckTimeout, bytes, reconnectBackoff, tls);
    }

    public PeerTransportConfig withReconnectBackoff(Backoff backoff) {
        return new PeerTransportConfig(localId, clusterId, listenAddress, io, ioThreads, connectTimeout,
                chunkAckTimeout, maxQueuedBytesPerPeer, backoff, tls);
    }

    /** A copy that dials members with {@code dialing} (null: plaintext). */
    public PeerTransportConfig withTls(ClientTls dialing) {
        return new PeerTransportConfig(localId, clusterId, listenAddress, io, ioThreads, connectTimeout,
                chunkAckTimeout, maxQueuedBytesPerPeer, reconnectBackoff, dialing);
    }
}
