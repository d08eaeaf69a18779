package io.tern.verify.nemesis;

import io.tern.chaos.FaultProxy;
import io.tern.verify.cluster.Await;
import io.tern.verify.cluster.ClusterControl;
import io.tern.verify.cluster.ClusterException;
import io.tern.verify.cluster.NodeStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Injects faults into a cluster on a seeded schedule, on its own thread: healthy for a while, a
 * fault for a while, healed, and again, until {@link #stopAndHeal}. One fault is on at a time, and
 * each is undone at its heal (killed nodes restarted, paused ones continued, proxies healed and
 * their connections reset, latency cleared, membership restored). Every fault is recorded as a
 * {@link FaultEvent}.
 *
 * <p>{@link #inject} and {@link #heal()} run one step by hand, for tests and for callers with a
 * schedule of their own; they must not be mixed with {@link #start()}.
 *
 * <p>A fault that cannot be injected or healed (no leader to ask, a node that does not come back in
 * time) is recorded with its error and the schedule goes on; {@link #stopAndHeal} makes a last full
 * repair in any case.
 */
public final class Nemesis implements AutoCloseable {

    /** How long an injection waits for a leader it needs (for a transfer, a membership change). */
    static final Duration LEADER_WAIT = Duration.ofSeconds(10);
    /** How long a heal waits for the node it concerns to catch up, before recording that it did not. */
    static final Duration CATCH_UP_WAIT = Duration.ofSeconds(20);
    /** Between two snapshot attempts of {@link FaultVariant#LAGGING_FOLLOWER}. */
    static final long SNAPSHOT_RETRY_MILLIS = 500;

    private final ClusterControl cluster;
    private final FaultSchedule schedule;
    private final long originNanos;
    private final List<FaultEvent> events = new ArrayList<>();
    /** Rules a fault saw broken, one line each (see {@link #violations()}). */
    private final List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final Object stepLock = new Object();
    /** Members this nemesis removed and has not yet brought back; guarded by stepLock. */
    private final Set<Integer> removedByUs = new TreeSet<>();
    /** Nodes this nemesis added and has not yet removed; guarded by stepLock. */
    private final Set<Integer> addedByUs = new TreeSet<>();
    private Thread thread;
    /** The fault that is on, with what undoes it; guarded by stepLock. */
    private Active active;

    /** What undoes a fault; returns a few words on what it saw. */
    @FunctionalInterface
    private interface Healer {
        String heal();
    }

    private record Active(int eventIndex, Healer healer) {
    }

    /** What an injection did: its targets, in words, and how to undo it. */
    private record Injected(List<Integer> targets, String details, Healer healer) {
    }

    /**
     * @param originNanos the {@link System#nanoTime()} that event times count from (the run's start)
     */
    public Nemesis(ClusterControl cluster, FaultSchedule schedule, long originNanos) {
        this.cluster = cluster;
        this.schedule = schedule;
        this.originNanos = originNanos;
    }

    /**
     * A nemesis over {@code cluster} with a schedule of {@code kinds} drawn from {@code seed}.
     *
     * @throws IllegalArgumentException if a kind needs a control the cluster lacks
     */
    public static Nemesis create(ClusterControl cluster, Collection<FaultKind> kinds, long seed, Timing timing,
                                 long originNanos) {
        return new Nemesis(cluster, new FaultSchedule(seed, kinds, timing, cluster.controlsProcesses(),
                cluster.controlsNetwork()), originNanos);
    }

    public FaultSchedule schedule() {
        return schedule;
    }

    /** Starts running the schedule on a thread of its own. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("the nemesis runs already");
        }
        thread = Thread.ofPlatform().daemon().name("tern-nemesis").start(this::run);
    }

    private void run() {
        while (stopSignal.getCount() > 0) {
            FaultStep step = schedule.next();
            if (waitOrStop(step.quiet())) {
                return;
            }
            inject(step);
            if (waitOrStop(step.active())) {
                return; // stopAndHeal heals it
            }
            heal();
        }
    }

    /** Waits {@code duration} (the schedule's timing, not a wait for a condition); true when told to stop. */
    private boolean waitOrStop(Duration duration) {
        try {
            return stopSignal.await(duration.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /**
     * Injects {@code step} now and records it.
     *
     * @return the event, open until {@link #heal()}, or closed with its error if the fault could not be injected
     * @throws IllegalStateException if a fault is on already
     */
    public FaultEvent inject(FaultStep step) {
        synchronized (stepLock) {
            if (active != null) {
                throw new IllegalStateException("a fault is on already: " + events().get(active.eventIndex()));
            }
            long start = now();
            Injected injected;
            try {
                injected = apply(step);
            } catch (RuntimeException e) {
                String repaired = repairQuietly();
                FaultEvent failed = new FaultEvent(step.number(), step.kind(), step.variant(), List.of(), start, now(),
                        repaired, describe(e));
                record(failed);
                return failed;
            }
            FaultEvent event = new FaultEvent(step.number(), step.kind(), step.variant(), injected.targets(), start,
                    -1, injected.details(), null);
            active = new Active(record(event), injected.healer());
            return event;
        }
    }

    /**
     * Undoes the fault that is on, if any.
     *
     * @return its event, now closed, or empty when no fault was on
     */
    public Optional<FaultEvent> heal() {
        synchronized (stepLock) {
            if (active == null) {
                return Optional.empty();
            }
            Active healing = active;
            active = null;
            String details;
            String error = null;
            try {
                details = healing.healer().heal();
            } catch (RuntimeException e) {
                details = repairQuietly();
                error = "heal: " + describe(e);
            }
            synchronized (events) {
                FaultEvent closed = events.get(healing.eventIndex()).ended(now(), details, error);
                events.set(healing.eventIndex(), closed);
                return Optional.of(closed);
            }
        }
    }

    /**
     * Stops the schedule, heals the fault that is on, then repairs whatever else is wrong: every
     * proxy healed and cleared, every paused member continued, every member that is not running
     * started, the membership back to the cluster's own list; then waits for a leader and for every
     * member to catch up with it.
     *
     * @return the leader's id
     * @throws ClusterException if the cluster does not become healthy within {@code timeout}
     */
    public int stopAndHeal(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        stop();
        heal();
        if (cluster.controlsNetwork()) {
            for (int id : cluster.nodeIds()) {
                FaultProxy proxy = cluster.proxy(id);
                proxy.clearFaults();
            }
        }
        cluster.freeDisks();
        if (cluster.controlsProcesses()) {
            for (int id : cluster.nodeIds()) {
                if (cluster.isRunning(id) && cluster.isPaused(id)) {
                    cluster.resume(id);
                }
                if (!cluster.isRunning(id)) {
                    cluster.restart(id);
                }
            }
        }
        cluster.awaitLeader(left(deadline));
        synchronized (stepLock) {
            for (int id : List.copyOf(removedByUs)) {
                cluster.rejoinNode(id);
                removedByUs.remove(id);
            }
            for (int id : List.copyOf(addedByUs)) {
                cluster.removeNode(id);
                addedByUs.remove(id);
            }
        }
        int leader = cluster.awaitLeader(left(deadline));
        NodeStatus status = cluster.status(leader).orElseThrow(() -> new ClusterException("the leader went silent"));
        for (int id : cluster.nodeIds()) {
            if (!status.hasMember(id)) {
                cluster.rejoinNode(id);
            }
        }
        for (NodeStatus.Member member : status.members()) {
            if (!cluster.nodeIds().contains(member.id())) {
                cluster.removeNode(member.id());
            }
        }
        cluster.awaitCaughtUp(left(deadline));
        return cluster.awaitLeader(left(deadline));
    }

    /** Stops the schedule (waiting for a step in progress to finish) without healing anything. */
    public void stop() {
        stopSignal.countDown();
        Thread running;
        synchronized (this) {
            running = thread;
        }
        if (running != null && running != Thread.currentThread()) {
            try {
                running.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Every fault so far, in order; open ones have {@code endNanos == -1}. */
    public List<FaultEvent> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /**
     * Broken rules that a fault checks itself rather than through the history (an {@link FaultKind#OVERSIZE}
     * request at a limit that was not replicated, say): each one fails the run.
     */
    public List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    /** How many faults of each kind were injected (failed injections included). */
    public Map<FaultKind, Integer> counts() {
        Map<FaultKind, Integer> counts = new EnumMap<>(FaultKind.class);
        for (FaultEvent event : events()) {
            counts.merge(event.kind(), 1, Integer::sum);
        }
        return counts;
    }

    /** Stops the schedule and heals the fault that is on, without waiting for the cluster's health. */
    @Override
    public void close() {
        stop();
        heal();
    }

    // ---- the faults ----

    private Injected apply(FaultStep step) {
        List<Integer> members = cluster.nodeIds();
        OptionalInt leader = needsLeader(step.variant()) ? OptionalInt.of(cluster.awaitLeader(LEADER_WAIT))
                : cluster.leaderId();
        List<Integer> targets = Targets.resolve(step, members, leader);
        if (targets.isEmpty() && step.variant() != FaultVariant.ADD_AND_REMOVE) {
            throw new ClusterException("no node to hit among members " + members + " (leader " + leader + ")");
        }
        String who = targets + leaderNote(targets, leader);
        return switch (step.kind()) {
            case KILL_RANDOM, KILL_LEADER, KILL_MAJORITY -> {
                cluster.kill9(targets.stream().mapToInt(Integer::intValue).toArray());
                yield new Injected(targets, "kill -9 " + who, () -> {
                    List<Integer> restarted = new ArrayList<>();
                    for (int id : targets) {
                        if (!cluster.isRunning(id)) {
                            cluster.restart(id);
                            restarted.add(id);
                        }
                    }
                    return "restarted " + restarted;
                });
            }
            case PAUSE -> {
                int id = targets.getFirst();
                cluster.pause(id);
                yield new Injected(targets, "SIGSTOP " + who, () -> {
                    cluster.resume(id);
                    return "SIGCONT";
                });
            }
            case PARTITION -> {
                targets.forEach(id -> cluster.proxy(id).partition());
                yield new Injected(targets, "cut off both ways " + who, () -> healProxies(targets));
            }
            case ONE_WAY -> {
                boolean deaf = step.variant() == FaultVariant.DEAF_RANDOM || step.variant() == FaultVariant.DEAF_LEADER;
                FaultProxy.Direction direction = deaf ? FaultProxy.Direction.TO_UPSTREAM
                        : FaultProxy.Direction.FROM_UPSTREAM;
                targets.forEach(id -> cluster.proxy(id).blackhole(direction));
                yield new Injected(targets, (deaf ? "hears nothing: " : "answers lost: ") + who,
                        () -> healProxies(targets));
            }
            case SLOW -> {
                targets.forEach(id -> cluster.proxy(id).setDelay(step.latency(), step.jitter()));
                yield new Injected(targets, "latency " + step.latency().toMillis() + " ms ± " + step.jitter().toMillis()
                        + " ms each way into " + who, () -> {
                    targets.forEach(id -> cluster.proxy(id).setDelay(Duration.ZERO, Duration.ZERO));
                    return "latency cleared";
                });
            }
            case MEMBERSHIP -> membership(step, targets, who);
            case TRANSFER -> {
                int target = targets.getFirst();
                long started = System.nanoTime();
                cluster.transferLeader(target);
                String outcome;
                try {
                    cluster.awaitLeader(LEADER_WAIT, id -> id == target);
                    outcome = "; led by it after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms";
                } catch (ClusterException e) {
                    outcome = "; accepted, but it did not lead within " + LEADER_WAIT.toMillis() + " ms";
                }
                yield new Injected(targets, "leadership from " + leader.getAsInt() + " to " + target + outcome,
                        () -> "");
            }
            case SNAPSHOT -> snapshot(step, targets, leader.getAsInt());
            case DISK_FULL -> diskFull(step, targets, who);
            case OVERSIZE -> oversize(step, targets.getFirst());
        };
    }

    private static boolean needsLeader(FaultVariant variant) {
        return switch (variant) {
            case RANDOM_FOLLOWER, REMOVE_AND_READD, ADD_AND_REMOVE, LAGGING_FOLLOWER, SNAPSHOT_NOW -> true;
            default -> false;
        };
    }

    private Injected membership(FaultStep step, List<Integer> targets, String who) {
        if (step.variant() == FaultVariant.ADD_AND_REMOVE) {
            int added = cluster.addNode();
            addedByUs.add(added);
            long leaderFirst = cluster.leaderId().stream().mapToLong(id -> cluster.status(id)
                    .map(NodeStatus::firstLogIndex).orElse(0L)).findFirst().orElse(0L);
            String how = leaderFirst > 1 ? "by InstallSnapshot: the leader's log starts at " + leaderFirst
                    : "from the log, which the leader still holds from index 1";
            return new Injected(List.of(added), "added node " + added + " (learner, caught up " + how
                    + ", then voter)", () -> {
                cluster.removeNode(added);
                addedByUs.remove(added);
                return "removed node " + added;
            });
        }
        int removed = targets.getFirst();
        removedByUs.add(removed); // before the call: a removal whose answer was lost still counts
        cluster.removeNode(removed);
        return new Injected(targets, "removed member " + who, () -> {
            cluster.rejoinNode(removed);
            removedByUs.remove(removed);
            return "member " + removed + " back as a voter, caught up";
        });
    }

    private Injected snapshot(FaultStep step, List<Integer> targets, int leader) {
        if (step.variant() == FaultVariant.SNAPSHOT_NOW) {
            List<String> taken = new ArrayList<>();
            for (int id : targets) {
                taken.add("node " + id + " at " + cluster.snapshot(id));
            }
            return new Injected(targets, "snapshot of " + String.join(", ", taken) + " (leader " + leader + ")",
                    () -> "");
        }
        int follower = targets.getFirst();
        long followerLast = cluster.status(follower).map(NodeStatus::lastLogIndex).orElse(0L);
        cluster.proxy(follower).partition();
        // Writes must pass the follower before the compaction, or it could still catch up from the log.
        Duration wait = Duration.ofNanos(Math.min(step.active().toNanos() / 2, TimeUnit.SECONDS.toNanos(3)));
        try {
            Await.until("writes past node " + follower + "'s log", wait,
                    () -> cluster.status(leader).map(s -> s.commitIndex() > followerLast + 1).orElse(false));
        } catch (ClusterException noWrites) {
            // Compact anyway; the details say that the follower could still catch up from the log.
        }
        // Compaction frees whole log files only, so one snapshot may leave the follower's entries in
        // place; keep it cut off and try again while the fault lasts, in case a file is completed.
        long until = System.nanoTime() + step.active().toNanos();
        long snapshotIndex = cluster.snapshot(leader);
        long leaderFirst = cluster.status(leader).map(NodeStatus::firstLogIndex).orElse(0L);
        int attempts = 1;
        while (leaderFirst <= followerLast + 1 && System.nanoTime() - until < 0) {
            try {
                Thread.sleep(SNAPSHOT_RETRY_MILLIS); // pacing the attempts, not waiting for a condition
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            snapshotIndex = cluster.snapshot(leader);
            leaderFirst = cluster.status(leader).map(NodeStatus::firstLogIndex).orElse(0L);
            attempts++;
        }
        boolean needsInstall = leaderFirst > followerLast + 1;
        long compactedTo = snapshotIndex;
        String details = "node " + follower + " cut off at log index " + followerLast + "; leader " + leader
                + " snapshot at " + snapshotIndex + " (" + attempts + " attempt" + (attempts == 1 ? "" : "s")
                + "), its log now from " + leaderFirst + (needsInstall ? ": catch-up needs InstallSnapshot"
                : ": the log still holds what it lacks (compaction frees whole log files), catch-up from the log");
        return new Injected(targets, details, () -> {
            String healed = healProxies(List.of(follower));
            Await.until("node " + follower + " to catch up to " + compactedTo, CATCH_UP_WAIT,
                    () -> cluster.status(follower).map(s -> s.appliedIndex() >= compactedTo).orElse(false));
            long installed = cluster.status(follower).map(NodeStatus::snapshotIndex).orElse(0L);
            return healed + "; node " + follower + " caught up to " + compactedTo + ", its snapshot index now "
                    + installed + (needsInstall && installed >= compactedTo ? " (installed from the leader)" : "");
        });
    }

    private Injected diskFull(FaultStep step, List<Integer> targets, String who) {
        int id = targets.getFirst();
        boolean completely = step.variant() == FaultVariant.DISK_FILLED;
        String filled = cluster.fillDisk(id, completely);
        return new Injected(targets, (completely ? "filled the disk of " : "filled past its reserve the disk of ")
                + who + ": " + filled, () -> {
            cluster.freeDisks();
            if (!completely) {
                return "ballast deleted";
            }
            // A node whose disk was full is on its way out if it has not exited yet (or failed to start):
            // restart it either way, so the heal leaves it running on a disk with room.
            String was = cluster.isRunning(id) ? "was still running, killed and restarted"
                    : "had exited on its full disk, restarted";
            if (cluster.isRunning(id)) {
                cluster.kill9(id);
            }
            cluster.restart(id);
            return "ballast deleted; node " + id + " " + was;
        });
    }

    private Injected oversize(FaultStep step, int target) {
        OversizeRequests.Result result = new OversizeRequests(cluster, cluster.maxValueBytes())
                .run(step.number(), target);
        violations.addAll(result.violations());
        String broken = result.violations().isEmpty() ? "" : "; VIOLATED: " + String.join("; ", result.violations());
        return new Injected(List.of(target), result.details() + broken, () -> "");
    }

    /**
     * After an injection or heal that failed half way: heals every proxy, continues every paused
     * member and starts every member that is not running, without waiting for anything, so the
     * run goes on with the whole cluster. Membership is left to {@link #stopAndHeal}.
     */
    private String repairQuietly() {
        List<String> done = new ArrayList<>();
        try {
            if (cluster.controlsNetwork()) {
                for (int id : cluster.nodeIds()) {
                    cluster.proxy(id).clearFaults();
                }
                done.add("proxies cleared");
            }
            cluster.freeDisks();
            if (cluster.controlsProcesses()) {
                for (int id : cluster.nodeIds()) {
                    if (cluster.isRunning(id) && cluster.isPaused(id)) {
                        cluster.resume(id);
                        done.add("continued " + id);
                    } else if (!cluster.isRunning(id)) {
                        cluster.restart(id);
                        done.add("restarted " + id);
                    }
                }
            }
        } catch (RuntimeException e) {
            done.add("repair failed: " + describe(e));
        }
        return done.isEmpty() ? "" : "repaired: " + String.join(", ", done);
    }

    private String healProxies(List<Integer> ids) {
        int reset = 0;
        for (int id : ids) {
            FaultProxy proxy = cluster.proxy(id);
            proxy.heal();
            // Bytes dropped mid-stream leave a framed connection broken: start every one afresh.
            reset += proxy.resetConnections();
        }
        return "healed, " + reset + " connections reset";
    }

    private static String leaderNote(List<Integer> targets, OptionalInt leader) {
        return leader.isPresent() && targets.contains(leader.getAsInt()) ? " (leader " + leader.getAsInt() + " among them)"
                : "";
    }

    private int record(FaultEvent event) {
        synchronized (events) {
            events.add(event);
            return events.size() - 1;
        }
    }

    private long now() {
        return System.nanoTime() - originNanos;
    }

    private static Duration left(long deadlineNanos) {
        return Duration.ofNanos(Math.max(1, deadlineNanos - System.nanoTime()));
    }

    private static String describe(RuntimeException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
