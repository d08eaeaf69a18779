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
 * Moves snapshots between members, reading and writing their files off the Raft loop, one chunk at a
 * time, so heartbeats never queue behind a transfer.
 *
 * <p>Sending: the core asks for it with an InstallSnapshot message; the snapshot's chunks go out one
 * at a time, each after the previous was acknowledged (the receiver's disk sets the pace), and the
 * InstallSnapshot message itself follows the last chunk; no thread waits for an acknowledgement, the
 * next chunk is read when it comes. Receiving: chunks are written into the state machine's snapshot store through a verified temporary directory and kept there as a received
 * snapshot, apart from the member's own, until the core installs it; the core is told of the
 * snapshot only once its bytes are all here.
 */
final class SnapshotTransfers implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SnapshotTransfers.class);

    private record Incoming(long from, long snapshotIndex, SnapshotSink installer) {
    }

    /** A snapshot on its way to one peer. */
    private record Outgoing(Message.InstallSnapshot message, StoredSnapshot snapshot, SnapshotSource reader,
                            long started) {
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
                sendNextChunk(new Outgoing(message, snapshot, stateMachine.openSnapshotReader(snapshot, chunkBytes),
                        runtime.nanoTime()));
            } catch (Throwable e) {
                sendFailed(message, e);
            }
        });
    }

    /** A sender: the next chunk, or the message itself after the last; the acknowledgement calls it again. */
    private void sendNextChunk(Outgoing outgoing) {
        Message.InstallSnapshot message = outgoing.message();
        long index = message.snapshot().index();
        try {
            if (!outgoing.reader().hasNext()) {
                outgoing.reader().close();
                transport.send(message);
                sendingTo.remove(message.to());
                log.info("sent snapshot {} ({} bytes) to member {} in {} ms", index, outgoing.snapshot().sizeBytes(),
                        message.to(), TimeUnit.NANOSECONDS.toMillis(runtime.nanoTime() - outgoing.started()));
                return;
            }
            CompletableFuture<Void> acknowledged = new CompletableFuture<>();
            transport.sendSnapshotChunk(message.to(), index, outgoing.reader().next()).whenComplete((ok, error) -> {
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
                    outgoing.reader().close();
                    sendFailed(message, error);
                    return;
                }
                try {
                    senders.execute(() -> sendNextChunk(outgoing));
                } catch (Throwable e) {
                    outgoing.reader().close();
                    sendFailed(message, e);
                }
            });
        } catch (Throwable e) { // an Error too: the peer must hear of the failure, or it waits for ever
            outgoing.reader().close();
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
