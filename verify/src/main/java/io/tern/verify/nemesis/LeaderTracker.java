package io.tern.verify.nemesis;

import io.tern.client.ServerStatus;
import io.tern.verify.cluster.ClusterControl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Polls the STATUS of every member (every 100 ms by default) and records each time the leader changes:
 * the LEADER with the highest term among the answers, identified by term and id. A leader that is
 * re-elected in a new term counts as a change; a moment with no leader is not recorded.
 */
public final class LeaderTracker implements AutoCloseable {

    /** The cluster came to be led by {@code leaderId} in {@code term}, {@code atNanos} after the origin. */
    public record LeaderChange(long atNanos, long term, int leaderId) {
        public long atMillis() {
            return TimeUnit.NANOSECONDS.toMillis(atNanos);
        }
    }

    private final ClusterControl cluster;
    private final long originNanos;
    private final Duration interval;
    private final List<LeaderChange> changes = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stopped;

    private LeaderTracker(ClusterControl cluster, long originNanos, Duration interval) {
        this.cluster = cluster;
        this.originNanos = originNanos;
        this.interval = interval;
        this.thread = Thread.ofPlatform().daemon().name("tern-leader-tracker").unstarted(this::run);
    }

    /** A tracker polling every 100 ms, started. */
    public static LeaderTracker start(ClusterControl cluster, long originNanos) {
        return start(cluster, originNanos, Duration.ofMillis(100));
    }

    public static LeaderTracker start(ClusterControl cluster, long originNanos, Duration interval) {
        LeaderTracker tracker = new LeaderTracker(cluster, originNanos, interval);
        tracker.thread.start();
        return tracker;
    }

    /** Every leader seen, in order, the first one included. */
    public synchronized List<LeaderChange> changes() {
        return List.copyOf(changes);
    }

    /** How many times the leader changed after the first one was seen. */
    public synchronized int leaderChanges() {
        return Math.max(0, changes.size() - 1);
    }

    /** Asks every member once and records a change if there is one. */
    void poll() {
        Map<Integer, ServerStatus> statuses = cluster.statuses();
        long at = System.nanoTime() - originNanos;
        ServerStatus leader = null;
        for (ServerStatus status : statuses.values()) {
            if (status.isLeader() && (leader == null || status.term() > leader.term())) {
                leader = status;
            }
        }
        if (leader == null) {
            return;
        }
        synchronized (this) {
            LeaderChange last = changes.isEmpty() ? null : changes.getLast();
            if (last == null || last.term() < leader.term()
                    || (last.term() == leader.term() && last.leaderId() != leader.id())) {
                changes.add(new LeaderChange(at, leader.term(), ClusterControl.memberId(leader.id())));
            }
        }
    }

    private void run() {
        while (!stopped) {
            long started = System.nanoTime();
            try {
                poll();
            } catch (RuntimeException e) {
                // A poll that fails (the cluster closing under it) only misses one sample.
            }
            long left = interval.toNanos() - (System.nanoTime() - started);
            if (left > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(left); // the sampling period, not a wait for a condition
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Stops polling and waits for the poller to end. */
    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
