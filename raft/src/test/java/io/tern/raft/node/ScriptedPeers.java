package io.tern.raft.node;

import io.tern.raft.types.SnapshotChunk;
import io.tern.raft.core.Message;
import io.tern.raft.transport.PeerFrame;
import io.tern.raft.transport.PeerTransport;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * The transport of one member whose peers the test plays by hand: it hands the member exactly the
 * messages and snapshot chunks the test chooses, and keeps what the member sends. It can also hold
 * the member's loop thread inside {@link #send}, to stand for a loop that is busy.
 */
final class ScriptedPeers implements PeerTransport {

    private volatile InboundHandler member;
    private volatile CountDownLatch holdSends = new CountDownLatch(0);
    private final CountDownLatch aSendIsHeld = new CountDownLatch(1);
    private final List<Message> sent = new CopyOnWriteArrayList<>();

    /** Hands {@code message} to the member, as if a peer had sent it. */
    void deliver(Message message) {
        member.onMessage(message);
    }

    /** Hands a snapshot chunk to the member and waits until it has written it. */
    void deliverChunk(long from, long snapshotIndex, SnapshotChunk chunk) {
        member.onSnapshotChunk(from, snapshotIndex, chunk).join();
    }

    /** From now on, the thread that sends a message waits in {@link #send} until {@link #releaseSends}. */
    void holdSends() {
        holdSends = new CountDownLatch(1);
    }

    void releaseSends() {
        holdSends.countDown();
    }

    /** Waits until a sending thread is held (see {@link #holdSends}). */
    void awaitASendHeld() throws InterruptedException {
        aSendIsHeld.await();
    }

    /** What the member sent so far, oldest first. */
    List<Message> sent() {
        return List.copyOf(sent);
    }

    @Override
    public void start(InboundHandler handler) {
        member = handler;
    }

    @Override
    public void send(Message message, Runnable ifNotSent) {
        sent.add(message);
        CountDownLatch hold = holdSends;
        if (hold.getCount() > 0) {
            aSendIsHeld.countDown();
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public CompletableFuture<Void> sendSnapshotChunk(long peerId, long snapshotIndex, SnapshotChunk chunk) {
        return CompletableFuture.failedFuture(new IllegalStateException("scripted peers take no snapshots"));
    }

    @Override
    public int peerVersion(long peerId) {
        return PeerFrame.Hello.VERSION;
    }

    @Override
    public void updatePeers(Map<Long, InetSocketAddress> peers) {
    }

    @Override
    public void close() {
        releaseSends();
    }
}
