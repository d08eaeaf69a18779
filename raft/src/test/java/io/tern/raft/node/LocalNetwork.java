package io.tern.raft.node;

import io.tern.raft.types.SnapshotChunk;
import io.tern.raft.core.Message;
import io.tern.raft.transport.PeerFrame;
import io.tern.raft.transport.PeerTransport;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory network for in-JVM clusters of {@link RaftNode}s: messages are delivered on one
 * thread (in order), and a member can be cut off (its messages lost on the way) or disconnected
 * (its connections down, which each sender's transport knows), and reconnected.
 */
final class LocalNetwork implements AutoCloseable {

    private final Map<Long, PeerTransport.InboundHandler> handlers = new ConcurrentHashMap<>();
    private final Set<Long> isolated = ConcurrentHashMap.newKeySet();
    private final Set<Long> disconnected = ConcurrentHashMap.newKeySet();
    /** Snapshot chunks to a member wait for its gate, if it has one, before they are delivered. */
    private final Map<Long, CompletableFuture<Void>> chunkGates = new ConcurrentHashMap<>();
    private final ExecutorService delivery = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("local-network").daemon().factory());
    /** Chunks are handed over in the order they were sent, as over one connection, held ones too. */
    private final ExecutorService chunkDelivery = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("local-network-chunks").daemon().factory());
    private final Map<Long, AtomicInteger> chunksSentTo = new ConcurrentHashMap<>();

    PeerTransport transportFor(long id) {
        return new LocalTransport(id);
    }

    /** Hands {@code message} to member {@code id} whoever it is addressed to: a misrouted delivery. */
    void deliverTo(long id, Message message) {
        delivery.execute(() -> handlers.get(id).onMessage(message));
    }

    void isolate(long id) {
        isolated.add(id);
    }

    /** Takes down every connection to and from {@code id}: what is sent on them is refused at once, not lost. */
    void disconnect(long id) {
        disconnected.add(id);
    }

    /** Holds the snapshot chunks sent to {@code id} until the returned future completes. */
    CompletableFuture<Void> holdSnapshotChunksTo(long id) {
        return chunkGates.computeIfAbsent(id, member -> new CompletableFuture<>());
    }

    /** How many snapshot chunks have been sent to {@code id}, delivered or not. */
    int snapshotChunksSentTo(long id) {
        AtomicInteger sent = chunksSentTo.get(id);
        return sent == null ? 0 : sent.get();
    }

    void reconnect(long id) {
        isolated.remove(id);
        disconnected.remove(id);
    }

    private boolean cut(long from, long to) {
        return isolated.contains(from) || isolated.contains(to) || down(from, to);
    }

    private boolean down(long from, long to) {
        return disconnected.contains(from) || disconnected.contains(to);
    }

    @Override
    public void close() {
        delivery.shutdownNow();
        chunkDelivery.shutdownNow();
    }

    private final class LocalTransport implements PeerTransport {
        private final long id;

        LocalTransport(long id) {
            this.id = id;
        }

        @Override
        public void start(InboundHandler handler) {
            handlers.put(id, handler);
        }

        @Override
        public void send(Message message, Runnable ifNotSent) {
            if (down(id, message.to())) {
                ifNotSent.run();
                return;
            }
            if (cut(id, message.to())) {
                return;
            }
            delivery.execute(() -> {
                InboundHandler handler = handlers.get(message.to());
                if (handler != null && !cut(id, message.to())) {
                    handler.onMessage(message);
                }
            });
        }

        @Override
        public CompletableFuture<Void> sendSnapshotChunk(long peerId, long snapshotIndex, SnapshotChunk chunk) {
            InboundHandler handler = handlers.get(peerId);
            if (handler == null || cut(id, peerId)) {
                return CompletableFuture.failedFuture(new IllegalStateException("member " + peerId + " is unreachable"));
            }
            chunksSentTo.computeIfAbsent(peerId, member -> new AtomicInteger()).incrementAndGet();
            CompletableFuture<Void> gate = chunkGates.getOrDefault(peerId, CompletableFuture.completedFuture(null));
            return CompletableFuture.supplyAsync(() -> {
                gate.join();
                return handler.onSnapshotChunk(id, snapshotIndex, chunk);
            }, chunkDelivery).thenCompose(installed -> installed);
        }

        @Override
        public int peerVersion(long peerId) {
            return PeerFrame.Hello.VERSION; // one build: every member speaks it
        }

        @Override
        public void updatePeers(Map<Long, InetSocketAddress> peers) {
        }

        @Override
        public void close() {
            handlers.remove(id);
        }
    }
}
