package io.tern.server.compaction;

import io.tern.engine.StorageEngine;
import io.tern.engine.state.Command;
import io.tern.engine.state.CommandResult;
import io.tern.raft.node.Applied;
import io.tern.raft.node.LeadershipListener;
import io.tern.raft.node.RaftNode;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's automatic compaction of history, in the spirit of etcd's compactors; only the leader
 * proposes, so that members do not race each other's compactions.
 *
 * <ul>
 *   <li>{@link AutoCompaction.Periodic}: each check samples the current revision; it compacts to the
 *       newest sample at least the retention old, at most once per compaction period (the retention,
 *       or an hour when longer), checking ten times per period. Samples start when this member
 *       becomes leader, so nothing younger than the retention is ever compacted, on any leader.</li>
 *   <li>{@link AutoCompaction.Revisions}: every {@link #REVISION_CHECK_INTERVAL}, it compacts to the
 *       current revision minus the retention, when that moved.</li>
 * </ul>
 *
 * <p>A compaction is the log entry {@link Command.Compact}, as a client's COMPACT; one refused because
 * history is already compacted that far (a client's compaction overtook it) is quietly skipped. One
 * compaction is under way at a time; one that failed (leadership lost, timed out) is tried again by
 * a later check. All state is touched on one serial executor; tests pass a direct executor and a
 * clock they move.
 */
public final class AutoCompactor implements LeadershipListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AutoCompactor.class);

    /** How often the revision mode compacts, as etcd's revision compactor (five minutes). */
    static final Duration REVISION_CHECK_INTERVAL = Duration.ofMinutes(5);

    /** The periodic mode compacts at most once per this long when the retention is longer, as etcd. */
    static final Duration LONGEST_COMPACTION_PERIOD = Duration.ofHours(1);

    /** Proposes {@code Compact(revision)} through the log; completes with its entry's revision and result once applied. */
    @FunctionalInterface
    public interface Proposer {
        CompletableFuture<Applied> compact(long revision);
    }

    /** A revision this leader saw, and when on its clock. */
    private record Sample(long atNanos, long revision) {
    }

    private final AutoCompaction policy;
    private final LongSupplier currentRevision;
    private final Proposer proposer;
    private final Executor executor;
    private final LongSupplier nanoTime;
    private final AutoCloseable onClose;

    // Only on the executor.
    private boolean leading;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private long lastProposed;
    private long lastCompactedAtNanos;
    private boolean compactedThisTerm;
    private boolean compacting;
    /** The revision of this member's last applied compaction entry: seeing only it since is no reason to compact again. */
    private long ownEntryRevision;

    /**
     * @param currentRevision this member's applied revision
     * @param executor        serial: runs one task at a time, in order
     * @param nanoTime        a monotonic clock, as {@link System#nanoTime()}
     * @param onClose         what {@link #close()} stops (the production thread)
     */
    AutoCompactor(AutoCompaction policy, LongSupplier currentRevision, Proposer proposer, Executor executor,
                  LongSupplier nanoTime, AutoCloseable onClose) {
        this.policy = policy;
        this.currentRevision = currentRevision;
        this.proposer = proposer;
        this.executor = executor;
        this.nanoTime = nanoTime;
        this.onClose = onClose;
    }

    /**
     * The automatic compaction of {@code node}'s history by {@code policy}, on a thread of its own
     * told of {@code node}'s leadership; with {@link AutoCompaction#OFF}, no thread and nothing done.
     */
    public static AutoCompactor start(RaftNode node, StorageEngine engine, AutoCompaction policy) {
        if (policy instanceof AutoCompaction.Off) {
            return new AutoCompactor(policy, () -> 0, revision -> CompletableFuture.completedFuture(null), Runnable::run,
                    System::nanoTime, () -> { });
        }
        ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("tern-compact-" + node.id()).daemon().factory());
        thread.setRemoveOnCancelPolicy(true);
        Proposer proposer = revision -> node.propose(new Command.Compact(revision).encode());
        AutoCompactor compactor = new AutoCompactor(policy, engine::appliedIndex, proposer, thread, System::nanoTime,
                thread::shutdownNow);
        long every = checkInterval(policy).toNanos();
        thread.scheduleWithFixedDelay(compactor::checkSafely, every, every, TimeUnit.NANOSECONDS);
        node.addLeadershipListener(compactor);
        log.info("member {} compacts history automatically, keeping {}", node.id(), describe(policy));
        return compactor;
    }

    /** How often {@link #check()} runs for {@code policy}. */
    static Duration checkInterval(AutoCompaction policy) {
        return switch (policy) {
            case AutoCompaction.Periodic periodic -> max(compactionPeriod(periodic).dividedBy(10), Duration.ofMillis(1));
            case AutoCompaction.Revisions ignored -> REVISION_CHECK_INTERVAL;
            case AutoCompaction.Off ignored -> Duration.ZERO;
        };
    }

    private static Duration compactionPeriod(AutoCompaction.Periodic periodic) {
        Duration retention = periodic.retention();
        return retention.compareTo(LONGEST_COMPACTION_PERIOD) > 0 ? LONGEST_COMPACTION_PERIOD : retention;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static String describe(AutoCompaction policy) {
        return switch (policy) {
            case AutoCompaction.Periodic periodic -> periodic.retention() + " of history";
            case AutoCompaction.Revisions revisions -> "the last " + revisions.revisions() + " revisions";
            case AutoCompaction.Off ignored -> "everything";
        };
    }

    @Override
    public void leadershipChanged(boolean leading, long term) {
        run(() -> {
            this.leading = leading;
            samples.clear();
            compactedThisTerm = false;
        });
    }

    /** Samples the revision and proposes a compaction when one is due. Does nothing unless leading. */
    public void check() {
        run(() -> {
            if (!leading || compacting) {
                return;
            }
            // The revision the target is taken from; when it is this member's own last compaction entry,
            // nothing was written since, and compacting again would only write another such entry, forever.
            long seen = switch (policy) {
                case AutoCompaction.Periodic periodic -> periodicTarget(periodic);
                case AutoCompaction.Revisions ignored -> currentRevision.getAsLong();
                case AutoCompaction.Off ignored -> 0;
            };
            long target = policy instanceof AutoCompaction.Revisions revisions ? seen - revisions.revisions() : seen;
            if (target > 0 && target > lastProposed && seen != ownEntryRevision) {
                compact(target);
            }
        });
    }

    /** The revision the periodic mode compacts to now, or 0 when none is due. */
    private long periodicTarget(AutoCompaction.Periodic periodic) {
        long now = nanoTime.getAsLong();
        samples.addLast(new Sample(now, currentRevision.getAsLong()));
        long retention = periodic.retention().toNanos();
        // The oldest sample kept is the newest one at least the retention old; older ones are never needed again.
        while (samples.size() > 1 && now - secondOldest().atNanos() >= retention) {
            samples.removeFirst();
        }
        Sample oldest = samples.getFirst();
        if (now - oldest.atNanos() < retention) {
            return 0;
        }
        if (compactedThisTerm && now - lastCompactedAtNanos < compactionPeriod(periodic).toNanos()) {
            return 0;
        }
        return oldest.revision();
    }

    private Sample secondOldest() {
        var iterator = samples.iterator();
        iterator.next();
        return iterator.next();
    }

    private void compact(long target) {
        compacting = true;
        lastProposed = target;
        lastCompactedAtNanos = nanoTime.getAsLong();
        compactedThisTerm = true;
        CompletableFuture<Applied> proposed;
        try {
            proposed = proposer.compact(target);
        } catch (RuntimeException e) {
            proposed = CompletableFuture.failedFuture(e);
        }
        proposed.whenComplete((applied, error) -> run(() -> {
            compacting = false;
            if (error != null) {
                // Lost leadership or timed out: a later check proposes again if this member still leads.
                lastProposed = 0;
                compactedThisTerm = false;
                log.debug("automatic compaction to revision {} failed: {}", target, error.toString());
            } else if (applied.result() instanceof CommandResult.Refused refused) {
                // COMPACTED: history was already compacted this far (by a client or an earlier leader), and
                // the refusal says how far, below which there is nothing left to compact.
                lastProposed = Math.max(lastProposed, refused.revision());
                log.debug("automatic compaction to revision {} refused: {}", target, refused.message());
            } else {
                ownEntryRevision = applied.revision();
                log.info("compacted history below revision {} automatically ({})", target, describe(policy));
            }
        }));
    }

    private void checkSafely() {
        try {
            check();
        } catch (RuntimeException e) {
            // A state read failing now (a snapshot being installed, the engine closing) is tried again next time.
            log.warn("automatic compaction check failed: {}", e.toString());
        }
    }

    /** Hands {@code task} to the executor; dropped once it has stopped (Raft's loop calls in, and must not see it throw). */
    private void run(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            // Closed: the member is shutting down.
        }
    }

    @Override
    public void close() throws Exception {
        onClose.close();
    }
}
