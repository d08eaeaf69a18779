package io.tern.server;

import io.tern.raft.transport.DelegatingPeerTransport;
import io.tern.raft.transport.PeerTransport;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * The peer transport of a node started with {@code --join}. Until the node has received a
 * configuration, Raft knows no peers, so it could not answer the leader that is bringing it in:
 * meanwhile this transport keeps links to the members the node learned of at start. The first
 * configuration that names anyone replaces them for good.
 */
final class JoiningPeerTransport extends DelegatingPeerTransport {

    private final Map<Long, InetSocketAddress> knownMembers;

    JoiningPeerTransport(PeerTransport delegate, Map<Long, InetSocketAddress> knownMembers) {
        super(delegate);
        this.knownMembers = Map.copyOf(knownMembers);
    }

    @Override
    public void start(InboundHandler handler) {
        super.start(handler);
        // Raft announces peers only when its configuration changes, and an empty one never does.
        super.updatePeers(knownMembers);
    }

    @Override
    public void updatePeers(Map<Long, InetSocketAddress> peers) {
        super.updatePeers(peers.isEmpty() ? knownMembers : peers);
    }
}
