package io.tern.raft.transport;

import io.tern.raft.types.SnapshotChunk;
import io.tern.raft.core.Message;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Records what a transport delivers. Chunks are answered with a future the test completes, so a
 * test decides when (and whether) the receiver acknowledges. Probe heartbeats (readContext
 * {@link #PROBE}) that tests send to open a connection are not recorded.
 */
final class RecordingInbound implements PeerTransport.InboundHandler {

    static final long PROBE = -1;

    record ReceivedChunk(long fromPeer, long snapshotIndex, SnapshotChunk chunk, CompletableFuture<Void> installed) {
    }

    final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<ReceivedChunk> chunks = new LinkedBlockingQueue<>();
    final BlockingQueue<Long> reachable = new LinkedBlockingQueue<>();

    @Override
    public void onMessage(Message message) {
        if (!(message instanceof Message.Heartbeat heartbeat && heartbeat.readContext() == PROBE)) {
            messages.add(message);
        }
    }

    @Override
    public CompletableFuture<Void> onSnapshotChunk(long fromPeer, long snapshotIndex, SnapshotChunk chunk) {
        CompletableFuture<Void> installed = new CompletableFuture<>();
        chunks.add(new ReceivedChunk(fromPeer, snapshotIndex, chunk, installed));
        return installed;
    }

    @Override
    public void onPeerReachable(long peerId) {
        reachable.add(peerId);
    }
}
