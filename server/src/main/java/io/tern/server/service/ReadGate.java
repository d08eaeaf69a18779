package io.tern.server.service;

import io.tern.client.protocol.ReadMode;
import io.tern.engine.StorageEngine;
import io.tern.raft.node.RaftNode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** When a read may look at this node's state, for every kind of read (GET, SCAN, RANGE). */
final class ReadGate {

    private final RaftNode node;
    private final StorageEngine engine;
    private final boolean followerReads;
    private final boolean staleReadsForTesting;

    /**
     * @param followerReads        whether a follower serves LINEARIZABLE reads itself (after a ReadIndex
     *                             round with its leader); if not, they are refused as not leading here
     * @param staleReadsForTesting broken on purpose: LINEARIZABLE reads pass at once (see RequestDispatcher)
     */
    ReadGate(RaftNode node, StorageEngine engine, boolean followerReads, boolean staleReadsForTesting) {
        this.node = node;
        this.engine = engine;
        this.followerReads = followerReads;
        this.staleReadsForTesting = staleReadsForTesting;
    }

    /**
     * Completes once a read may look at the state: for LINEARIZABLE, after the leader confirmed its
     * leadership and this node applied the read index; for LOCAL, once the state applied
     * {@code minRevision} (at once if it has). Continues on {@code reader}, never on Raft's applier.
     */
    CompletableFuture<?> whenReadable(ReadMode mode, long minRevision, Executor reader) {
        CompletableFuture<?> ready = switch (mode) {
            case LINEARIZABLE -> staleReadsForTesting ? CompletableFuture.completedFuture(null)
                    : followerReads ? node.readBarrierHere() : node.readBarrier();
            case LOCAL -> minRevision <= engine.appliedIndex() ? CompletableFuture.completedFuture(null)
                    : node.awaitApplied(minRevision);
        };
        return ready.isDone() ? ready : ready.thenApplyAsync(value -> value, reader);
    }
}
