package io.tern.raft.node;

import io.tern.engine.StorageEngine;
import io.tern.engine.log.LogEntry;
import io.tern.engine.state.CommandResult;
import io.tern.raft.core.ReadState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The applier thread: applies committed entries to the engine in order, completes the proposals
 * they answer, releases reads whose index has been applied, and takes a snapshot every so many
 * entries. It owns everything that waits on the applied index.
 */
final class Applier implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Applier.class);

    /** One Ready's worth of work for the applier. */
    record Batch(List<LogEntry> committed, List<ReadState> reads, List<Long> abandonedReads) {
    }

    private record PendingProposal(long term, CompletableFuture<Applied> future) {
    }

    private record IndexWaiter(long index, CompletableFuture<Long> future) {
    }

    /*
     * How often the applier records its progress as committed in the log (see StorageEngine.apply):
     * when idle for a moment, and under load every so many entries or milliseconds. Between marks a
     * crash leaves more for Raft to re-apply, nothing more.
     */
    private static final long MARK_WHEN_IDLE_MILLIS = 20;
    private static final long MARK_EVERY_ENTRIES = 10_000;
    private static final long MARK_EVERY_MILLIS = 200;
    /** After a periodic snapshot failed (a full disk, say), the first wait before the next attempt; it doubles up to the max. */
    static final long SNAPSHOT_RETRY_FIRST_MILLIS = 1_000;
    static final long SNAPSHOT_RETRY_MAX_MILLIS = 60_000;

    private final StorageEngine engine;
    private final long snapshotEntries;
    private final Consumer<Long> onSnapshot;
    private final Consumer<Throwable> onFailure;
    private final BlockingQueue<Runnable> work = new LinkedBlockingQueue<>();
    private final Map<Long, PendingProposal> proposals = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<Long>> readsById = new ConcurrentHashMap<>();
    /** Applier thread only. */
    private final PriorityQueue<IndexWaiter> waiters = new PriorityQueue<>((a, b) -> Long.compare(a.index, b.index));
    private long lastSnapshotIndex;
    private long snapshotRetryMillis;
    private long nextSnapshotAttemptNanos;
    private long lastMarked;
    private long lastMarkNanos = System.nanoTime();
    private volatile boolean stopped;
    /** Why the applier was stopped; what registers after that is failed with it at once. */
    private volatile RuntimeException stopReason;

    Applier(StorageEngine engine, long snapshotEntries, Consumer<Long> onSnapshot, Consumer<Throwable> onFailure) {
        this.engine = engine;
        this.snapshotEntries = snapshotEntries;
        this.onSnapshot = onSnapshot;
        this.onFailure = onFailure;
        this.lastSnapshotIndex = engine.latestSnapshot().map(s -> s.lastIncludedIndex()).orElse(0L);
    }

    /** Called by the loop when a proposal was appended at {@code index} in {@code term}. */
    void expectProposal(long index, long term, CompletableFuture<Applied> future) {
        proposals.put(index, new PendingProposal(term, future));
        future.whenComplete((applied, error) -> proposals.remove(index, new PendingProposal(term, future)));
        failIfStopped(future);
    }

    /** Called by the loop when it asked the core for a read index under {@code readId}. */
    void expectRead(long readId, CompletableFuture<Long> future) {
        readsById.put(readId, future);
        future.whenComplete((index, error) -> readsById.remove(readId));
        failIfStopped(future);
    }

    /** Registered while or after {@link #stop} failed everything: nothing will ever complete it. */
    private void failIfStopped(CompletableFuture<?> future) {
        RuntimeException reason = stopReason;
        if (reason != null) {
            future.completeExceptionally(reason);
        }
    }

    void submit(Batch batch) {
        work.add(() -> process(batch));
    }

    /** Completes with the applied index once it reaches {@code index}. */
    CompletableFuture<Long> awaitApplied(long index) {
        CompletableFuture<Long> future = new CompletableFuture<>();
        work.add(() -> waitFor(index, future));
        return future;
    }

    CompletableFuture<Long> snapshotNow() {
        CompletableFuture<Long> future = new CompletableFuture<>();
        work.add(() -> {
            try {
                future.complete(takeSnapshot());
            } catch (RuntimeException e) {
                future.completeExceptionally(e);
            }
        });
        return future;
    }

    @Override
    public void run() {
        try {
            while (!stopped) {
                Runnable next = work.poll(MARK_WHEN_IDLE_MILLIS, TimeUnit.MILLISECONDS);
                if (next == null) {
                    markCommitted();
                    next = work.take();
                }
                next.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            failAll(new OutcomeUnknownException("the node's state machine failed: " + e.getMessage()));
            onFailure.accept(e);
        }
    }

    void stop(RuntimeException reason) {
        stopReason = reason;
        failAll(reason);
        work.add(() -> {
            // A clean stop leaves the watermark at the applied index: the next start replays nothing twice.
            markCommitted();
            stopped = true;
        });
    }

    /** Marks what is applied as committed once the applier has had nothing to do for a moment. */
    private void markCommitted() {
        long applied = engine.appliedIndex();
        if (applied > lastMarked) {
            engine.markAppliedCommitted();
            lastMarked = applied;
            lastMarkNanos = System.nanoTime();
        }
    }

    private void process(Batch batch) {
        apply(batch.committed());
        long applied = engine.appliedIndex();
        for (ReadState read : batch.reads()) {
            CompletableFuture<Long> future = readsById.remove(read.readId());
            if (future != null) {
                waitFor(read.index(), future);
            }
        }
        for (long readId : batch.abandonedReads()) {
            CompletableFuture<Long> future = readsById.remove(readId);
            if (future != null) {
                future.completeExceptionally(new NotLeaderException("leadership changed before the read was confirmed", 0, ""));
            }
        }
        releaseWaitersUpTo(applied);
        if (applied - lastSnapshotIndex >= snapshotEntries && System.nanoTime() - nextSnapshotAttemptNanos >= 0) {
            takePeriodicSnapshot();
        }
    }

    private void apply(List<LogEntry> committed) {
        long applied = engine.appliedIndex();
        List<LogEntry> fresh = committed.stream().filter(e -> e.index() > applied).toList();
        if (fresh.isEmpty()) {
            return;
        }
        boolean mark = fresh.getLast().index() - lastMarked >= MARK_EVERY_ENTRIES
                || System.nanoTime() - lastMarkNanos >= TimeUnit.MILLISECONDS.toNanos(MARK_EVERY_MILLIS);
        List<CommandResult> results = engine.apply(fresh, mark);
        if (mark) {
            lastMarked = fresh.getLast().index();
            lastMarkNanos = System.nanoTime();
        }
        for (int i = 0; i < fresh.size(); i++) {
            LogEntry entry = fresh.get(i);
            PendingProposal pending = proposals.remove(entry.index());
            if (pending == null) {
                continue;
            }
            if (pending.term() == entry.term()) {
                pending.future().complete(new Applied(entry.index(), results.get(i)));
            } else {
                pending.future().completeExceptionally(new NotLeaderException(
                        "a new leader replaced the proposal at index " + entry.index() + " before it committed", 0, ""));
            }
        }
    }

    private void waitFor(long index, CompletableFuture<Long> future) {
        long applied = engine.appliedIndex();
        if (applied >= index) {
            future.complete(applied);
        } else {
            waiters.add(new IndexWaiter(index, future));
        }
    }

    private void releaseWaitersUpTo(long applied) {
        while (!waiters.isEmpty() && waiters.peek().index() <= applied) {
            waiters.poll().future().complete(applied);
        }
    }

    /**
     * A periodic snapshot only saves replay time and log space: one that fails (ENOSPC during the
     * checkpoint) is logged and tried again after a backoff, and never stops the member while its
     * log still works.
     */
    private void takePeriodicSnapshot() {
        try {
            takeSnapshot();
            snapshotRetryMillis = 0;
        } catch (RuntimeException e) {
            snapshotRetryMillis = snapshotRetryMillis == 0 ? SNAPSHOT_RETRY_FIRST_MILLIS
                    : Math.min(SNAPSHOT_RETRY_MAX_MILLIS, 2 * snapshotRetryMillis);
            nextSnapshotAttemptNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(snapshotRetryMillis);
            log.warn("snapshot at applied index {} failed, trying again in {} ms: {}", engine.appliedIndex(),
                    snapshotRetryMillis, RaftNode.oneLine(e));
        }
    }

    private long takeSnapshot() {
        long index = engine.createSnapshot().lastIncludedIndex();
        lastSnapshotIndex = index;
        onSnapshot.accept(index);
        return index;
    }

    /** After a snapshot was installed the applied index jumped: waiters below it are done. */
    void afterSnapshotInstall() {
        work.add(() -> {
            lastSnapshotIndex = engine.appliedIndex();
            releaseWaitersUpTo(engine.appliedIndex());
        });
    }

    private void failAll(RuntimeException reason) {
        for (PendingProposal pending : new ArrayList<>(proposals.values())) {
            pending.future().completeExceptionally(reason);
        }
        for (CompletableFuture<Long> read : new ArrayList<>(readsById.values())) {
            read.completeExceptionally(reason);
        }
        work.add(() -> {
            while (!waiters.isEmpty()) {
                waiters.poll().future().completeExceptionally(reason);
            }
        });
    }
}
