package io.tern.raft.transport;

import io.tern.raft.core.Message;
import io.tern.raft.types.SnapshotChunk;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** A transport that hands every call to another; a subclass changes only the calls it overrides. */
public class DelegatingPeerTransport implements PeerTransport {

    private final PeerTransport delegate;

    public DelegatingPeerTransport(PeerTransport delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public void start(InboundHandler handler) {
        delegate.start(handler);
    }

    @Override
    public void send(Message message, Runnable ifNotSent) {
        delegate.send(message, ifNotSent);
    }

    @Override
    public CompletableFuture<Void> sendSnapshotChunk(long peerId, long snapshotIndex, SnapshotChunk chunk) {
        return delegate.sendSnapshotChunk(peerId, snapshotIndex, chunk);
    }

    @Override
    public void updatePeers(Map<Long, InetSocketAddress> peers) {
        delegate.updatePeers(peers);
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
