package io.tern.server.lease;

import io.tern.engine.StorageEngine;
import io.tern.engine.state.Command;
import io.tern.engine.state.LeaseInfo;
import io.tern.raft.node.LeadershipListener;
import io.tern.raft.node.RaftNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's clock of leases, as etcd's lessor keeps it: the replicated state knows each lease's
 * granted TTL, only the leader knows when it expires, and an expiry is carried out by proposing the
 * lease's revoke, so that every member deletes its keys at the same revision.
 *
 * <ul>
 *   <li>On becoming leader, every lease expires TTL from now: the old leader may have renewed any
 *       of them a moment before it was deposed, and no lease may expire earlier than its TTL after a
 *       renewal that was acknowledged (nor after a full-cluster restart, which starts the same way).</li>
 *   <li>A lease the leader learns of later (a grant applied since) expires TTL from when it learns.</li>
 *   <li>A keep-alive renews to TTL from now; the caller answers it only after a read barrier, so a
 *       deposed leader cannot acknowledge a renewal its successor does not know of.</li>
 *   <li>{@link #check()} (a few times per election timeout) reconciles with the state's leases and
 *       proposes the revoke of each expired one, once while that proposal is under way.</li>
 *   <li>On losing leadership it forgets every expiry.</li>
 * </ul>
 *
 * <p>All state is touched on one serial executor, to which every public method hands its work; its
 * clock is a monotonic nanosecond clock. Tests pass a direct executor and a clock they move.
 */
public final class LeaseKeeper implements LeadershipListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

    /** At most this many revokes are proposed per check, so a mass expiry does not flood the log at once. */
    static final int MAX_REVOKES_PER_CHECK = 1_000;

    /** The leases in the replicated state, as the engine reads them. */
    public interface LeaseState {
        /** Every lease, without keys. */
        List<LeaseInfo> all();

        /** Lease {@code id} with its keys, if it exists. */
        Optional<LeaseInfo> find(long id);
    }

    /** Proposes the revoke of an expired lease; completes once it is applied, or fails. */
    @FunctionalInterface
    public interface Revoker {
        CompletableFuture<?> revoke(long id);
    }

    /** A lease the leader keeps time for, and when it expires on the clock. */
    private record Tracked(long ttlSeconds, long expiresAtNanos) {
    }

    /**
     * What the leader knows of a lease now.
     *
     * @param remainingNanos how long it has left; never negative
     */
    public record Remaining(LeaseInfo lease, long remainingNanos) {
        /** Whole seconds left, rounded down, as etcd answers a time-to-live. */
        public long remainingSeconds() {
            return TimeUnit.NANOSECONDS.toSeconds(remainingNanos);
        }
    }

    /** This member does not lead (or has not yet been told it does): the request belongs to the leader. */
    public static final class NotLeadingException extends RuntimeException {
        NotLeadingException() {
            super("this member does not lead", null, false, false);
        }
    }

    private final LeaseState state;
    private final Revoker revoker;
    private final Executor executor;
    private final LongSupplier nanoTime;
    private final long minimumTtlSeconds;
    private final AutoCloseable onClose;

    // Only on the executor.
    private boolean leading;
    private final Map<Long, Tracked> tracked = new HashMap<>();
    private final Set<Long> revoking = new HashSet<>();

    /**
     * @param executor serial: runs one task at a time, in order
     * @param nanoTime a monotonic clock, as {@link System#nanoTime()}
     * @param onClose  what {@link #close()} stops (the production thread)
     */
    LeaseKeeper(LeaseState state, Revoker revoker, Executor executor, LongSupplier nanoTime, Duration electionTimeout,
                AutoCloseable onClose) {
        this.state = state;
        this.revoker = revoker;
        this.executor = executor;
        this.nanoTime = nanoTime;
        this.minimumTtlSeconds = LeaseTtl.minimumSeconds(electionTimeout);
        this.onClose = onClose;
    }

    /**
     * The keeper of {@code node}'s leases on a thread of its own: told of {@code node}'s leadership,
     * checking for expiries twice per election timeout.
     */
    public static LeaseKeeper start(RaftNode node, StorageEngine engine, Duration electionTimeout) {
        ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("tern-lease-" + node.id()).daemon().factory());
        thread.setRemoveOnCancelPolicy(true);
        LeaseState leases = new LeaseState() {
            @Override
            public List<LeaseInfo> all() {
                return engine.leases();
            }

            @Override
            public Optional<LeaseInfo> find(long id) {
                return engine.lease(id);
            }
        };
        Revoker revoker = id -> node.propose(new Command.LeaseRevoke(id).encode());
        LeaseKeeper keeper = new LeaseKeeper(leases, revoker, thread, System::nanoTime, electionTimeout,
                thread::shutdownNow);
        long every = Math.max(1, electionTimeout.toMillis() / 2);
        thread.scheduleWithFixedDelay(keeper::checkSafely, every, every, TimeUnit.MILLISECONDS);
        node.addLeadershipListener(keeper);
        return keeper;
    }

    /** The least TTL a lease is granted with here: {@link LeaseTtl#minimumSeconds}. */
    public long minimumTtlSeconds() {
        return minimumTtlSeconds;
    }

    @Override
    public void leadershipChanged(boolean leading, long term) {
        run(() -> {
            tracked.clear();
            revoking.clear();
            this.leading = leading;
            if (leading) {
                long now = nanoTime.getAsLong();
                for (LeaseInfo lease : state.all()) {
                    track(lease, now);
                }
                log.info("leading in term {}: {} leases each expire their TTL from now", term, tracked.size());
            }
        });
    }

    /** A lease just granted here: it expires its TTL from now, without waiting for the next check. */
    public void granted(long id, long ttlSeconds) {
        run(() -> {
            if (leading) {
                tracked.putIfAbsent(id, new Tracked(ttlSeconds, expiry(nanoTime.getAsLong(), ttlSeconds)));
            }
        });
    }

    /**
     * Renews lease {@code id} to its full TTL from now. Call it only after a read barrier, so that the
     * state holds every grant and revoke acknowledged before.
     *
     * @return the lease and its TTL, or empty if it does not exist or has expired (its revoke is then
     *     proposed, or will be by the next check); fails with {@link NotLeadingException}
     */
    public CompletableFuture<Optional<Remaining>> keepAlive(long id) {
        return supply(() -> lookUp(id).map(found -> {
            long ttl = found.lease().ttlSeconds();
            tracked.put(id, new Tracked(ttl, expiry(nanoTime.getAsLong(), ttl)));
            return new Remaining(found.lease(), TimeUnit.SECONDS.toNanos(ttl));
        }));
    }

    /**
     * How long lease {@code id} has left. Call it only after a read barrier.
     *
     * @return the lease (with its keys) and its time left, or empty if it does not exist or has
     *     expired; fails with {@link NotLeadingException}
     */
    public CompletableFuture<Optional<Remaining>> timeToLive(long id) {
        return supply(() -> lookUp(id));
    }

    /**
     * Reconciles with the state's leases (forgetting revoked ones, starting the clock of new ones) and
     * proposes the revoke of every expired lease that has none under way. Does nothing unless leading.
     */
    public void check() {
        run(() -> {
            if (!leading) {
                return;
            }
            long now = nanoTime.getAsLong();
            Set<Long> present = new HashSet<>();
            for (LeaseInfo lease : state.all()) {
                present.add(lease.id());
                if (!tracked.containsKey(lease.id())) {
                    track(lease, now);
                }
            }
            tracked.keySet().retainAll(present);
            List<Long> expired = new ArrayList<>();
            tracked.forEach((id, lease) -> {
                if (lease.expiresAtNanos() - now <= 0 && !revoking.contains(id) && expired.size() < MAX_REVOKES_PER_CHECK) {
                    expired.add(id);
                }
            });
            for (long id : expired) {
                revoke(id);
            }
        });
    }

    private void checkSafely() {
        try {
            check();
        } catch (RuntimeException e) {
            // A state read failing now (a snapshot being installed, the engine closing) is tried again next time.
            log.warn("lease check failed: {}", e.toString());
        }
    }

    private void revoke(long id) {
        revoking.add(id);
        CompletableFuture<?> proposed;
        try {
            proposed = revoker.revoke(id);
        } catch (RuntimeException e) {
            proposed = CompletableFuture.failedFuture(e);
        }
        proposed.whenComplete((applied, error) -> run(() -> {
            // Applied: the next check finds it gone. Failed: the next check proposes it again if it still leads.
            revoking.remove(id);
            if (error != null) {
                log.debug("revoking expired lease {} failed: {}", Long.toHexString(id), error.toString());
            }
        }));
    }

    /** The lease with its time left, tracking it from now if it is new here; empty if absent or expired. */
    private Optional<Remaining> lookUp(long id) {
        if (!leading) {
            throw new NotLeadingException();
        }
        Optional<LeaseInfo> lease = state.find(id);
        if (lease.isEmpty()) {
            tracked.remove(id);
            return Optional.empty();
        }
        long now = nanoTime.getAsLong();
        Tracked time = tracked.get(id);
        if (time == null) {
            time = track(lease.get(), now);
        }
        long left = time.expiresAtNanos() - now;
        return left <= 0 ? Optional.empty() : Optional.of(new Remaining(lease.get(), left));
    }

    private Tracked track(LeaseInfo lease, long now) {
        Tracked time = new Tracked(lease.ttlSeconds(), expiry(now, lease.ttlSeconds()));
        tracked.put(lease.id(), time);
        return time;
    }

    /** Saturating: a TTL up to {@link LeaseTtl#MAX_SECONDS} is about 285 years of nanoseconds. */
    private static long expiry(long now, long ttlSeconds) {
        long ttlNanos = ttlSeconds >= Long.MAX_VALUE / 1_000_000_000L ? Long.MAX_VALUE / 2
                : TimeUnit.SECONDS.toNanos(Math.max(0, ttlSeconds));
        return now + ttlNanos;
    }

    /** Hands {@code task} to the executor; dropped once it has stopped (callers include Raft's threads, which must not see it throw). */
    private void run(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            // Closed: the node is shutting down, and its leases' time with it.
        }
    }

    private <T> CompletableFuture<T> supply(Supplier<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    result.complete(task.get());
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) { // stopped: the node is shutting down
            result.completeExceptionally(new NotLeadingException());
        }
        return result;
    }

    @Override
    public void close() throws Exception {
        onClose.close();
    }
}
