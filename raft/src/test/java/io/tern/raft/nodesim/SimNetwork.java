package io.tern.raft.nodesim;

import io.tern.raft.core.Message;
import io.tern.raft.transport.PeerFrame;
import io.tern.raft.transport.PeerTransport;
import io.tern.raft.types.SnapshotChunk;

import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The simulation's network: every message arrives after a random delay (so messages reorder), or is
 * dropped or duplicated now and then, or not at all across a partition, where half the messages are
 * refused at once (the sender's transport knows the connection is down) and the rest lost on the
 * way. Snapshot chunks arrive after a random delay too, but in the order they were sent to a member,
 * as over the one connection the real transport streams them on. Each member incarnation has its own
 * transport; a crashed one's traffic goes nowhere.
 */
final class SimNetwork {

    private final SimClock clock;
    private final SplittableRandom random;
    private final Map<Long, Endpoint> endpoints = new TreeMap<>();
    /** Pairs that cannot talk, as "low-high". */
    private final Set<String> cut = new HashSet<>();
    private int dropPercent;

    SimNetwork(SimClock clock, SplittableRandom random) {
        this.clock = clock;
        this.random = random;
    }

    void dropPercent(int percent) {
        dropPercent = percent;
    }

    /** Splits the members into {@code side} and everyone else. */
    void partition(Set<Long> side, Set<Long> all) {
        cut.clear();
        for (long a : side) {
            for (long b : all) {
                if (!side.contains(b)) {
                    cut.add(pair(a, b));
                }
            }
        }
    }

    void heal() {
        cut.clear();
    }

    private static String pair(long a, long b) {
        return Math.min(a, b) + "-" + Math.max(a, b);
    }

    private boolean reachable(long from, long to) {
        return !cut.contains(pair(from, to));
    }

    PeerTransport transportFor(long id) {
        Endpoint endpoint = new Endpoint(id);
        endpoints.put(id, endpoint);
        return endpoint;
    }

    private long delayNanos() {
        return random.nextInt(100) < 5 ? random.nextLong(5_000_000, 30_000_000) : random.nextLong(100_000, 3_000_000);
    }

    /** One member incarnation's connection to the others. */
    private final class Endpoint implements PeerTransport {
        private final long id;
        private InboundHandler handler;
        private boolean closed;
        /** When the last chunk sent to each member arrives: a later one never arrives before it. */
        private final Map<Long, Long> lastChunkArrivalNanos = new TreeMap<>();

        Endpoint(long id) {
            this.id = id;
        }

        private boolean live() {
            return !closed && endpoints.get(id) == this && handler != null;
        }

        @Override
        public void start(InboundHandler handler) {
            this.handler = handler;
        }

        @Override
        public void send(Message message, Runnable ifNotSent) {
            if (live() && !reachable(id, message.to()) && random.nextBoolean()) {
                ifNotSent.run(); // across a partition the connection is down, and half the time the sender knows
                return;
            }
            if (!live() || !reachable(id, message.to()) || random.nextInt(100) < dropPercent) {
                return;
            }
            int copies = random.nextInt(100) < 2 ? 2 : 1;
            for (int i = 0; i < copies; i++) {
                clock.schedule(delayNanos(), () -> {
                    Endpoint target = endpoints.get(message.to());
                    if (live() && target != null && target.live() && reachable(id, message.to())) {
                        target.handler.onMessage(message);
                    }
                });
            }
        }

        @Override
        public CompletableFuture<Void> sendSnapshotChunk(long peerId, long snapshotIndex, SnapshotChunk chunk) {
            CompletableFuture<Void> acknowledged = new CompletableFuture<>();
            if (!reachable(id, peerId)) {
                return CompletableFuture.failedFuture(new IllegalStateException("member " + peerId + " is unreachable"));
            }
            long arrival = Math.max(clock.nanoTime() + delayNanos(), lastChunkArrivalNanos.getOrDefault(peerId, 0L));
            lastChunkArrivalNanos.put(peerId, arrival);
            clock.schedule(arrival - clock.nanoTime(), () -> {
                Endpoint target = endpoints.get(peerId);
                if (!live()) {
                    return;
                }
                if (target == null || !target.live() || !reachable(id, peerId)) {
                    acknowledged.completeExceptionally(new IllegalStateException("the connection to member " + peerId + " broke"));
                    return;
                }
                target.handler.onSnapshotChunk(id, snapshotIndex, chunk).whenComplete((ok, error) ->
                        clock.schedule(delayNanos(), () -> {
                            if (!live()) {
                                return;
                            }
                            if (error != null) {
                                acknowledged.completeExceptionally(error);
                            } else {
                                acknowledged.complete(null);
                            }
                        }));
            });
            return acknowledged;
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
            closed = true;
        }
    }
}
