package io.tern.raft.node;

import io.tern.platform.StageTrace;
import io.tern.platform.StageTrace.Stage;
import io.tern.raft.types.LogEntry;
import io.tern.raft.types.StateMachine;
import io.tern.raft.core.ReadState;
import io.tern.raft.core.Rejection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The applier: applies committed entries to the state machine in order, completes the proposals
 * they answer, releases reads whose index has been applied, and takes a snapshot every so many
 * entries. It owns everything that waits on the applied index. Its work runs on one serial
 * executor (the applier thread).
 */
final class Applier {

    private static final Logger log = LoggerFactory.getLogger(Applier.class);

    /**
     * One Ready's worth of work for the applier.
     *
     * @param abandonedWith what the abandoned reads fail with, naming the leader the loop knows once
     *                      the Ready that gave them up is done, so the read can be sent there instead;
     *                      null when no read was abandoned
     */
    record Batch(List<LogEntry> committed, List<ReadState> reads, List<Long> abandonedReads,
                 RaftNotLeaderException abandonedWith) {
    }

    private record PendingProposal(long term, CompletableFuture<Applied> future) {
    }

    /** A waiter's place: by the index it waits for, then by arrival. */
    private record WaiterKey(long index, long arrival) implements Comparable<WaiterKey> {
        @Override
        public int compareTo(WaiterKey other) {
            int byIndex = Long.compare(index, other.index);
            return byIndex != 0 ? byIndex : Long.compare(arrival, other.arrival);
        }
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

    /**
     * Committed entries handed to the applier and not yet applied, in bytes: past this the member
     * takes no more from Raft (they wait in the log, on disk) and, leading, refuses proposals.
     */
    static final long MAX_BACKLOG_BYTES = 16L << 20;

    /** LOCAL reads that may wait for a revision not yet applied; more are refused at once. */
    static final int MAX_READS_WAITING = 10_000;

    /** What an entry costs in memory beyond its payload, so that a flood of tiny entries counts too. */
    private static final long ENTRY_OVERHEAD_BYTES = 64;

    private final StateMachine stateMachine;
    private final ExecutorService executor;
    /** Where snapshots are taken, beside applying; the applier records them afterwards. */
    private final ExecutorService snapshotThread;
    private final NodeRuntime runtime;
    private final long snapshotEntries;
    private final Consumer<Long> onSnapshot;
    private final Runnable onCaughtUp;
    private final Consumer<Throwable> onFailure;
    /** Tasks handed to the executor and not yet finished: 0 means the applier is idle. */
    private final AtomicLong queued = new AtomicLong();
    private final Map<Long, PendingProposal> proposals = new ConcurrentHashMap<>();
    private final LongAdder proposalsFailed = new LongAdder();
    private final Map<Long, CompletableFuture<Long>> readsById = new ConcurrentHashMap<>();
    /** The answers {@link #snapshotNow} owes, failed by {@link #stop} like every other waiter. */
    private final Set<CompletableFuture<Long>> snapshotsAsked = ConcurrentHashMap.newKeySet();
    /** What waits for the applied index to reach a point: added from any thread, released by the applier. */
    private final ConcurrentSkipListMap<WaiterKey, CompletableFuture<Long>> waiters = new ConcurrentSkipListMap<>();
    private final AtomicLong arrivals = new AtomicLong();
    private final AtomicInteger localReadsWaiting = new AtomicInteger();
    private final AtomicLong backlog = new AtomicLong();
    private long lastSnapshotIndex;
    /** A periodic snapshot is under way on {@link #snapshotThread}, until the applier has its outcome. */
    private boolean periodicSnapshotUnderWay;
    private long snapshotRetryMillis;
    /** A point in nanoTime, which may be negative: 0 would put the first periodic snapshot off for ever. */
    private long nextSnapshotAttemptNanos;
    private long lastMarked;
    private long lastMarkNanos;
    /** Counts the times the applier fell idle, so that an idle mark finds out whether work came meanwhile. */
    private long idleSpells;
    /** Whether a check for a quiet moment is waiting (see {@link #checkIdleLater}). */
    private final AtomicBoolean idleCheckPending = new AtomicBoolean();
    private volatile boolean stopped;
    /** Why the applier was stopped; what registers after that is failed with it at once. */
    private volatile RuntimeException stopReason;

    /** @param onCaughtUp told, on the applier thread, when the backlog drops under its bound after {@link #behind()} */
    Applier(StateMachine stateMachine, ExecutorService executor, ExecutorService snapshotThread, NodeRuntime runtime,
            long snapshotEntries, Consumer<Long> onSnapshot, Runnable onCaughtUp, Consumer<Throwable> onFailure) {
        this.stateMachine = stateMachine;
        this.executor = executor;
        this.snapshotThread = snapshotThread;
        this.runtime = runtime;
        this.nextSnapshotAttemptNanos = runtime.nanoTime();
        this.lastMarkNanos = runtime.nanoTime();
        this.snapshotEntries = snapshotEntries;
        this.onSnapshot = onSnapshot;
        this.onCaughtUp = onCaughtUp;
        this.onFailure = onFailure;
        this.lastSnapshotIndex = stateMachine.latestSnapshot().map(s -> s.lastIncludedIndex()).orElse(0L);
    }

    /**
     * Runs {@code task} on the applier after what was handed over before. A task that throws stops
     * the applier: it fails what waits and reports the failure; what is queued behind never runs.
     */
    private void enqueue(Runnable task) {
        queued.incrementAndGet();
        try {
            executor.execute(() -> {
                try {
                    if (!stopped) {
                        task.run();
                    }
                } catch (Throwable e) {
                    stopAfterFailure(e);
                } finally {
                    if (queued.decrementAndGet() == 0 && !stopped) {
                        idleSpells++;
                        checkIdleLater();
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            queued.decrementAndGet(); // closed: nothing runs on the applier any more
        }
    }

    /**
     * Applier: marks what is applied as committed once nothing came in for a moment after it fell
     * idle. At most one check waits at a time: under load the applier falls idle after nearly every
     * commit, and a delayed task per idle spell cost two thread wake-ups per commit (a third of the
     * commit rate at one proposal in flight).
     */
    private void checkIdleLater() {
        if (!idleCheckPending.compareAndSet(false, true)) {
            return;
        }
        long spell = idleSpells;
        runtime.runLater(Duration.ofMillis(MARK_WHEN_IDLE_MILLIS), () -> {
            try {
                executor.execute(() -> {
                    idleCheckPending.set(false);
                    if (stopped || queued.get() != 0) {
                        return; // busy: the next time it falls idle checks again
                    }
                    if (spell == idleSpells) {
                        markCommittedQuietly();
                    } else {
                        checkIdleLater(); // work came and went meanwhile: wait for a quiet moment again
                    }
                });
            } catch (RejectedExecutionException e) {
                // closed meanwhile: close() marked already
            }
        });
    }

    private void markCommittedQuietly() {
        try {
            markCommitted();
        } catch (Throwable e) {
            stopAfterFailure(e);
        }
    }

    /** The state machine failed: nothing more runs on the applier, what waits fails, and the member hears of it. */
    private void stopAfterFailure(Throwable e) {
        stopped = true;
        failAll(new RaftOutcomeUnknownException("the node's state machine failed: " + e.getMessage()));
        onFailure.accept(e);
    }

    /** Called by the loop when a proposal was appended at {@code index} in {@code term}. */
    void expectProposal(long index, long term, CompletableFuture<Applied> future) {
        PendingProposal earlier = proposals.put(index, new PendingProposal(term, future));
        if (earlier != null && earlier.term() != term) {
            // Another term's leader put a proposal at this index too. The earlier one may still commit (a
            // leader of its term may return), but only one proposal per index can be waited on here.
            earlier.future().completeExceptionally(new RaftOutcomeUnknownException("another proposal took index "
                    + index + " in term " + term + " while this one waited there in term " + earlier.term()));
        }
        future.whenComplete((applied, error) -> {
            proposals.remove(index, new PendingProposal(term, future));
            if (error != null) {
                proposalsFailed.increment();
            }
        });
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
        long bytes = backlogBytesOf(batch.committed());
        backlog.addAndGet(bytes);
        enqueue(() -> {
            process(batch);
            long left = backlog.addAndGet(-bytes);
            if (left < MAX_BACKLOG_BYTES && left + bytes >= MAX_BACKLOG_BYTES) {
                onCaughtUp.run();
            }
        });
    }

    private static long backlogBytesOf(List<LogEntry> entries) {
        long bytes = 0;
        for (LogEntry entry : entries) {
            bytes += entry.payload().length + ENTRY_OVERHEAD_BYTES;
        }
        return bytes;
    }

    int proposalsPending() {
        return proposals.size();
    }

    long proposalsFailed() {
        return proposalsFailed.sum();
    }

    long backlogBytes() {
        return backlog.get();
    }

    /** Whether the committed entries waiting to be applied have reached {@link #MAX_BACKLOG_BYTES}. */
    boolean behind() {
        return backlog.get() >= MAX_BACKLOG_BYTES;
    }

    /** Reads waiting for the applied index: LOCAL reads and confirmed linearizable ones. */
    int readsWaiting() {
        return waiters.size();
    }

    void pauseUntil(CompletableFuture<?> release) {
        enqueue(release::join);
    }

    /**
     * Completes with the applied index once it reaches {@code index}; refused at once with
     * OVERLOADED when {@link #MAX_READS_WAITING} already wait.
     */
    CompletableFuture<Long> awaitApplied(long index) {
        CompletableFuture<Long> future = new CompletableFuture<>();
        if (localReadsWaiting.incrementAndGet() > MAX_READS_WAITING) {
            localReadsWaiting.decrementAndGet();
            future.completeExceptionally(new RejectedException(Rejection.OVERLOADED, "too many reads are waiting for "
                    + "revisions this member has not applied yet (the limit is " + MAX_READS_WAITING + ")", 0, ""));
            return future;
        }
        future.whenComplete((applied, error) -> localReadsWaiting.decrementAndGet());
        waitFor(index, future);
        return future;
    }

    CompletableFuture<Long> snapshotNow() {
        CompletableFuture<Long> future = new CompletableFuture<>();
        snapshotsAsked.add(future);
        future.whenComplete((index, error) -> snapshotsAsked.remove(future));
        failIfStopped(future);
        if (!future.isDone() && !onSnapshotThread(() -> takeSnapshot((index, failure) -> {
            if (failure == null) {
                future.complete(index);
            } else {
                future.completeExceptionally(failure);
            }
        }))) {
            future.completeExceptionally(
                    new RaftOutcomeUnknownException("the node is stopping: no snapshot was taken"));
        }
        return future;
    }

    void stop(RuntimeException reason) {
        stopReason = reason;
        failAll(reason);
        enqueue(() -> {
            // A clean stop leaves the watermark at the applied index: the next start replays nothing twice.
            markCommitted();
            stopped = true;
        });
    }

    /** Marks what is applied as committed once the applier has had nothing to do for a moment. */
    private void markCommitted() {
        long applied = stateMachine.appliedIndex();
        if (applied > lastMarked) {
            stateMachine.markAppliedCommitted();
            lastMarked = applied;
            lastMarkNanos = runtime.nanoTime();
        }
    }

    private void process(Batch batch) {
        apply(batch.committed());
        long applied = stateMachine.appliedIndex();
        for (ReadState read : batch.reads()) {
            CompletableFuture<Long> future = readsById.remove(read.readId());
            if (future != null) {
                waitFor(read.index(), future);
            }
        }
        for (long readId : batch.abandonedReads()) {
            CompletableFuture<Long> future = readsById.remove(readId);
            if (future != null) {
                future.completeExceptionally(batch.abandonedWith());
            }
        }
        releaseWaitersUpTo(applied);
        startPeriodicSnapshotIfDue();
    }

    /**
     * Applier: after each batch, and after each periodic snapshot, which the entries applied meanwhile
     * may have made due.
     */
    private void startPeriodicSnapshotIfDue() {
        if (stateMachine.appliedIndex() - lastSnapshotIndex >= snapshotEntries
                && runtime.nanoTime() - nextSnapshotAttemptNanos >= 0 && !periodicSnapshotUnderWay) {
            startPeriodicSnapshot();
        }
    }

    /**
     * Applier: a periodic snapshot, taken on {@link #snapshotThread} while entries go on being
     * applied. The state machine's preparation (the flush) runs first; the snapshot itself holds
     * applying only while it captures the state, not while it is measured and written out.
     */
    private void startPeriodicSnapshot() {
        periodicSnapshotUnderWay = onSnapshotThread(() -> {
            try {
                stateMachine.prepareSnapshot();
            } catch (RuntimeException e) {
                // Only time is lost: the snapshot's own flush does the work, with applying held.
                log.warn("preparing a snapshot failed: {}", RaftNode.oneLine(e));
            }
            takeSnapshot(this::afterPeriodicSnapshot);
        });
    }

    /**
     * Runs {@code task} on {@link #snapshotThread}; false if that no longer takes tasks (stopping).
     * An {@code Error} there stops the node as one on the applier does, rather than ending the thread
     * quietly with a snapshot for ever under way.
     */
    private boolean onSnapshotThread(Runnable task) {
        try {
            snapshotThread.execute(() -> {
                try {
                    task.run();
                } catch (Error e) {
                    enqueue(() -> stopAfterFailure(e));
                }
            });
            return true;
        } catch (RejectedExecutionException stopping) {
            return false;
        }
    }

    /**
     * Applier: a periodic snapshot only saves replay time and log space: one that failed (ENOSPC
     * during the checkpoint) is logged and tried again after a backoff, and never stops the member
     * while its log still works.
     */
    private void afterPeriodicSnapshot(long index, RuntimeException failure) {
        periodicSnapshotUnderWay = false;
        if (failure == null) {
            snapshotRetryMillis = 0;
            // A burst that ended while this snapshot was taken brings no batch to look again.
            startPeriodicSnapshotIfDue();
            return;
        }
        snapshotRetryMillis = snapshotRetryMillis == 0 ? SNAPSHOT_RETRY_FIRST_MILLIS
                : Math.min(SNAPSHOT_RETRY_MAX_MILLIS, 2 * snapshotRetryMillis);
        nextSnapshotAttemptNanos = runtime.nanoTime() + TimeUnit.MILLISECONDS.toNanos(snapshotRetryMillis);
        log.warn("snapshot at applied index {} failed, trying again in {} ms: {}", stateMachine.appliedIndex(),
                snapshotRetryMillis, RaftNode.oneLine(failure));
    }

    private void apply(List<LogEntry> committed) {
        if (committed.isEmpty()) {
            return;
        }
        StageTrace.mark(Stage.APPLY_BEGUN, committed.getLast().index());
        boolean mark = committed.getLast().index() - lastMarked >= MARK_EVERY_ENTRIES
                || runtime.nanoTime() - lastMarkNanos >= TimeUnit.MILLISECONDS.toNanos(MARK_EVERY_MILLIS);
        // The state machine skips what a snapshot installed meanwhile covers, under the lock the install takes.
        List<?> results = stateMachine.apply(committed, mark);
        List<LogEntry> fresh = committed.subList(committed.size() - results.size(), committed.size());
        if (fresh.isEmpty()) {
            return;
        }
        if (mark) {
            lastMarked = fresh.getLast().index();
            lastMarkNanos = runtime.nanoTime();
        }
        // Before the proposals complete: completing one hands its answer to the connection's loop.
        StageTrace.mark(Stage.APPLIED, fresh.getLast().index());
        for (int i = 0; i < fresh.size(); i++) {
            LogEntry entry = fresh.get(i);
            PendingProposal pending = proposals.remove(entry.index());
            if (pending == null) {
                continue;
            }
            if (pending.term() == entry.term()) {
                pending.future().complete(new Applied(entry.index(), results.get(i)));
            } else {
                pending.future().completeExceptionally(new RaftNotLeaderException(
                        "a new leader replaced the proposal at index " + entry.index() + " before it committed", 0, ""));
            }
        }
    }

    /** Any thread. */
    private void waitFor(long index, CompletableFuture<Long> future) {
        WaiterKey key = new WaiterKey(index, arrivals.incrementAndGet());
        waiters.put(key, future);
        // However it completes (released, timed out, failed), the waiter leaves at once.
        future.whenComplete((applied, error) -> waiters.remove(key));
        // Read after registering: an applier that moves past index later finds the waiter.
        long applied = stateMachine.appliedIndex();
        if (applied >= index) {
            future.complete(applied);
        }
        // Registered after stop() swept the waiters: nothing else would ever complete it.
        failIfStopped(future);
    }

    private void releaseWaitersUpTo(long applied) {
        Map.Entry<WaiterKey, CompletableFuture<Long>> first;
        while ((first = waiters.firstEntry()) != null && first.getKey().index() <= applied) {
            first.getValue().complete(applied);
            waiters.remove(first.getKey());
        }
    }

    /**
     * On {@link #snapshotThread}: takes a snapshot, then, on the applier, records it and hands the
     * outcome (the snapshot's index, or why it failed) to {@code then}. Once the applier has stopped,
     * {@code then} is not called: {@link #stop} has failed whoever waited.
     */
    private void takeSnapshot(SnapshotOutcome then) {
        long index = 0;
        RuntimeException failure = null;
        try {
            index = stateMachine.createSnapshot().lastIncludedIndex();
        } catch (RuntimeException e) {
            failure = e;
        }
        long taken = index;
        RuntimeException failed = failure;
        enqueue(() -> {
            if (failed == null) {
                lastSnapshotIndex = Math.max(lastSnapshotIndex, taken);
                onSnapshot.accept(taken);
            }
            then.accept(taken, failed);
        });
    }

    private interface SnapshotOutcome {
        void accept(long index, RuntimeException failure);
    }

    /** After a snapshot was installed the applied index jumped: waiters below it are done. */
    void afterSnapshotInstall() {
        enqueue(() -> {
            long applied = stateMachine.appliedIndex();
            lastSnapshotIndex = applied;
            releaseWaitersUpTo(applied);
            // A follower's forwarded proposal whose entry the snapshot covers is never applied here one
            // by one: committed or replaced, its result is not known here.
            for (Map.Entry<Long, PendingProposal> pending : new ArrayList<>(proposals.entrySet())) {
                if (pending.getKey() <= applied) {
                    pending.getValue().future().completeExceptionally(new RaftOutcomeUnknownException(
                            "a snapshot up to index " + applied + " was installed over the proposal at index "
                                    + pending.getKey() + " before it was applied here"));
                }
            }
        });
    }

    private void failAll(RuntimeException reason) {
        for (PendingProposal pending : new ArrayList<>(proposals.values())) {
            pending.future().completeExceptionally(reason);
        }
        for (CompletableFuture<Long> read : new ArrayList<>(readsById.values())) {
            read.completeExceptionally(reason);
        }
        for (CompletableFuture<Long> waiter : waiters.values()) {
            waiter.completeExceptionally(reason);
        }
        for (CompletableFuture<Long> asked : new ArrayList<>(snapshotsAsked)) {
            asked.completeExceptionally(reason);
        }
    }
}
