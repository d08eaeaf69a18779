package io.tern.server;

import io.tern.raft.types.SnapshotChunk;
import io.tern.raft.core.Message;
import io.tern.raft.transport.PeerTransport;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The peer transport of a node started with {@code --join}. Until the node has received a
 * configuration, Raft knows no peers, so it could not answer the leader that is bringing it in:
 * meanwhile this transport keeps links to the members the node learned of at start. The first
 * configuration that names anyone replaces them for good.
 */
final class JoiningPeerTransport implements PeerTransport {

    private final PeerTransport delegate;
    private final Map<Long, InetSocketAddress> knownMembers;

    JoiningPeerTransport(PeerTransport delegate, Map<Long, InetSocketAddress> knownMembers) {
        this.delegate = delegate;
        this.knownMembers = Map.copyOf(knownMembers);
    }

    @Override
    public void start(InboundHandler handler) {
        delegate.start(handler);
        // Raft announces peers only when its configuration changes, and an empty one never does.
        delegate.updatePeers(knownMembers);
    }

    @Override
    public void send(Message message) {
        delegate.send(message);
    }

    @Override
    public CompletableFuture<Void> sendSnapshotChunk(long peerId, long snapshotIndex, SnapshotChunk chunk) {
        return delegate.sendSnapshotChunk(peerId, snapshotIndex, chunk);
    }

    @Override
    public void updatePeers(Map<Long, InetSocketAddress> peers) {
        delegate.updatePeers(peers.isEmpty() ? knownMembers : peers);
    }

    @Override
    public int peerVersion(long peerId) {
        return delegate.peerVersion(peerId);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
