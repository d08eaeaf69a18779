package io.tern.raft.node;

import io.tern.raft.types.SnapshotChunk;
import io.tern.raft.types.SnapshotSink;
import io.tern.raft.types.SnapshotSource;
import io.tern.raft.types.StateMachine;
import io.tern.raft.types.StoredSnapshot;
import io.tern.raft.core.Message;
import io.tern.raft.transport.PeerTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;

/**
 * Moves snapshots between members, reading and writing their files off the Raft loop, a few chunks at
 * a time, so heartbeats queue behind little of a transfer.
 *
 * <p>Sending: the core asks for it with an InstallSnapshot message; the snapshot's chunks go out with
 * at most {@link #CHUNKS_IN_FLIGHT} unacknowledged (the receiver's disk sets the pace), and the
 * InstallSnapshot message itself follows once every chunk is acknowledged; no thread waits for an
 * acknowledgement, the next chunk is read when one comes. Receiving: chunks are written into the
 * state machine's snapshot store through a verified temporary directory and kept there as a
 * received snapshot, apart from the member's own, until the core installs it; the core is told of
 * the snapshot only once its bytes are all here.
 */
final class SnapshotTransfers implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SnapshotTransfers.class);

    /**
     * Chunks sent ahead of their acknowledgements. With one, every chunk waited a round trip through
     * two busy members: beside a write load, a learner received 41 MB in 1.3 s (bench/README.md,
     * "A learner's snapshot streamed a chunk per round trip"). Few, because a heartbeat to that
     * member queues behind the chunks written before it.
     */
    static final int CHUNKS_IN_FLIGHT = 4;

    private record Incoming(long from, long snapshotIndex, SnapshotSink installer) {
    }

    private final StateMachine stateMachine;
    private final NodeRuntime runtime;
    private final PeerTransport transport;
    private final int chunkBytes;
    private final Duration chunkTimeout;
    private final LongConsumer onSendFailed;
    private final Set<Long> sendingTo = ConcurrentHashMap.newKeySet();
    private final ExecutorService senders;
    /** One thread: installers are not thread-safe, and chunks of a transfer arrive in order. */
    private final ExecutorService receiver;
    private final Map<Long, Incoming> incomingByPeer = new ConcurrentHashMap<>();
    private final Map<Long, StoredSnapshot> receivedByIndex = new ConcurrentHashMap<>();

    SnapshotTransfers(long id, StateMachine stateMachine, PeerTransport transport, NodeRuntime runtime, int chunkBytes,
                      Duration chunkTimeout, LongConsumer onSendFailed) {
        this.stateMachine = stateMachine;
        this.runtime = runtime;
        this.transport = transport;
        this.chunkBytes = chunkBytes;
        this.chunkTimeout = chunkTimeout;
        this.onSendFailed = onSendFailed;
        this.senders = runtime.pool("tern-snapshot-send-" + id + "-");
        this.receiver = runtime.serialExecutor("tern-snapshot-recv-" + id);
    }

    /** Streams the snapshot the message names to its receiver, then sends the message; one transfer per peer. */
    void send(Message.InstallSnapshot message) {
        if (!sendingTo.add(message.to())) {
            return;
        }
        senders.execute(() -> {
            try {
                long index = message.snapshot().index();
                StoredSnapshot snapshot = stateMachine.latestSnapshot()
                        .filter(s -> s.lastIncludedIndex() == index && s.lastIncludedTerm() == message.snapshot().term())
                        .orElseThrow(() -> new IllegalStateException("snapshot " + index + " is no longer the newest"));
                new Outgoing(message, snapshot, stateMachine.openSnapshotReader(snapshot, chunkBytes)).sendMore();
            } catch (Throwable e) {
                sendFailed(message, e);
            }
        });
    }

    /** A snapshot on its way to one peer. */
    private final class Outgoing {

        private final Message.InstallSnapshot message;
        private final StoredSnapshot snapshot;
        private final SnapshotSource reader;
        private final long started = runtime.nanoTime();
        private int unacknowledged;
        /** Sent or failed: nothing more is read or sent. */
        private boolean over;

        Outgoing(Message.InstallSnapshot message, StoredSnapshot snapshot, SnapshotSource reader) {
            this.message = message;
            this.snapshot = snapshot;
            this.reader = reader;
        }

        /** Sends chunks until enough are unacknowledged, or the message itself once every chunk is. */
        synchronized void sendMore() {
            if (over) {
                return;
            }
            try {
                while (!over && unacknowledged < CHUNKS_IN_FLIGHT && reader.hasNext()) {
                    unacknowledged++;
                    awaitAcknowledgement(transport.sendSnapshotChunk(message.to(), message.snapshot().index(),
                            reader.next()));
                }
                if (!over && unacknowledged == 0 && !reader.hasNext()) {
                    over = true;
                    reader.close();
                    transport.send(message);
                    sendingTo.remove(message.to());
                    log.info("sent snapshot {} ({} bytes) to member {} in {} ms", message.snapshot().index(),
                            snapshot.sizeBytes(), message.to(), TimeUnit.NANOSECONDS.toMillis(runtime.nanoTime() - started));
                }
            } catch (Throwable e) { // an Error too: the peer must hear of the failure, or it waits for ever
                fail(e);
            }
        }

        private void awaitAcknowledgement(CompletableFuture<Void> sent) {
            CompletableFuture<Void> acknowledged = new CompletableFuture<>();
            sent.whenComplete((ok, error) -> {
                if (error == null) {
                    acknowledged.complete(null);
                } else {
                    acknowledged.completeExceptionally(error);
                }
            });
            runtime.runLater(chunkTimeout, () -> acknowledged.completeExceptionally(new TimeoutException(
                    "member " + message.to() + " did not acknowledge a chunk within " + chunkTimeout.toMillis() + " ms")));
            acknowledged.whenComplete((ok, error) -> {
                if (error != null) {
                    fail(error);
                    return;
                }
                synchronized (this) {
                    unacknowledged--;
                }
                try {
                    senders.execute(this::sendMore);
                } catch (Throwable e) {
                    fail(e);
                }
            });
        }

        private synchronized void fail(Throwable e) {
            if (over) {
                return;
            }
            over = true;
            reader.close();
            sendFailed(message, e);
        }
    }

    private void sendFailed(Message.InstallSnapshot message, Throwable e) {
        log.warn("sending snapshot {} to member {} failed: {}", message.snapshot().index(), message.to(), e.toString());
        try {
            onSendFailed.accept(message.to());
        } finally {
            sendingTo.remove(message.to());
        }
    }

    /** A chunk from {@code from}; the returned future acknowledges it once it is written. */
    CompletableFuture<Void> receive(long from, long snapshotIndex, SnapshotChunk chunk) {
        return CompletableFuture.runAsync(() -> accept(from, snapshotIndex, chunk), receiver);
    }

    private void accept(long from, long snapshotIndex, SnapshotChunk chunk) {
        Incoming incoming = incomingByPeer.get(from);
        boolean first = chunk.kind() == SnapshotChunk.Kind.METADATA && chunk.offset() == 0;
        if (first) {
            if (incoming != null) {
                incoming.installer().close();
            }
            incoming = new Incoming(from, snapshotIndex, stateMachine.beginSnapshotInstall());
            incomingByPeer.put(from, incoming);
        }
        if (incoming == null || incoming.snapshotIndex() != snapshotIndex) {
            throw new IllegalStateException("a chunk of snapshot " + snapshotIndex + " from member " + from
                    + " arrived without its beginning");
        }
        try {
            incoming.installer().accept(chunk);
            if (chunk.last()) {
                StoredSnapshot received = incoming.installer().finish();
                incomingByPeer.remove(from);
                incoming.installer().close();
                log.info("received snapshot {} ({} bytes) from member {}", received.lastIncludedIndex(),
                        received.sizeBytes(), from);
                if (received.lastIncludedIndex() <= stateMachine.appliedIndex()) {
                    // A copy resent by a leader that finished after the first was installed (or after
                    // this member applied that far): forgetUpTo has run already, so nothing else would
                    // delete it before the next snapshot or restart. An install or snapshot after
                    // this check posts its forgetUpTo behind this task, which then deletes it.
                    discard(received);
                } else {
                    receivedByIndex.put(received.lastIncludedIndex(), received);
                }
            }
        } catch (RuntimeException e) {
            incomingByPeer.remove(from);
            incoming.installer().close();
            throw e;
        }
    }

    /** The received snapshot the core may now install, if its bytes are all here. */
    Optional<StoredSnapshot> received(long index, long term) {
        return Optional.ofNullable(receivedByIndex.get(index)).filter(s -> s.lastIncludedTerm() == term);
    }

    /**
     * Deletes the received snapshots at or below {@code index}, once the member has installed or
     * applied that far: the core never installs a snapshot at or below its commit index. Runs on the
     * receiving thread, so that it never meets a transfer being finished.
     */
    void forgetUpTo(long index) {
        receiver.execute(() -> receivedByIndex.values().removeIf(received -> {
            if (received.lastIncludedIndex() > index) {
                return false;
            }
            discard(received);
            return true;
        }));
    }

    private void discard(StoredSnapshot received) {
        try {
            stateMachine.discardReceivedSnapshot(received);
        } catch (RuntimeException e) {
            // What stays is deleted when the member next starts.
            log.warn("cannot delete received snapshot {}: {}", received.lastIncludedIndex(), e.toString());
        }
    }

    @Override
    public void close() {
        senders.shutdownNow();
        receiver.shutdownNow();
        incomingByPeer.values().forEach(incoming -> incoming.installer().close());
    }
}
