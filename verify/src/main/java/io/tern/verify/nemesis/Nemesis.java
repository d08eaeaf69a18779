package io.tern.verify.nemesis;

import io.tern.client.ServerStatus;
import io.tern.verify.cluster.ClusterControl;
import io.tern.verify.cluster.ClusterException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

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

    private final ClusterControl cluster;
    private final FaultSchedule schedule;
    private final long originNanos;
    private final List<FaultEvent> events = new ArrayList<>();
    /** Rules a fault saw broken, one line each (see {@link #violations()}). */
    private final List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final Object stepLock = new Object();
    private final MembershipChanges membership = new MembershipChanges();
    private Thread thread;
    /** The fault that is on, with what undoes it; guarded by stepLock. */
    private Active active;

    private record Active(int eventIndex, Fault.Heal heal) {
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
     * A nemesis over {@code cluster} with a schedule of {@code faults} drawn from {@code seed}.
     *
     * @throws IllegalArgumentException if a fault needs a control the cluster lacks
     */
    public static Nemesis create(ClusterControl cluster, Collection<Fault> faults, long seed, Timing timing,
                                 long originNanos) {
        return new Nemesis(cluster, new FaultSchedule(seed, faults, timing, cluster.controlsProcesses(),
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
            Fault.Injection injected;
            try {
                injected = apply(step);
            } catch (RuntimeException e) {
                String repaired = repairQuietly();
                FaultEvent failed = new FaultEvent(step.number(), step.fault(), step.variant(), List.of(), start, now(),
                        repaired, describe(e));
                record(failed);
                return failed;
            }
            FaultEvent event = new FaultEvent(step.number(), step.fault(), step.variant(), injected.targets(), start,
                    -1, injected.details(), null);
            active = new Active(record(event), injected.heal());
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
                details = healing.heal().heal();
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
        repair(step -> { }); // a step that fails throws: the run cannot go on without a healthy cluster
        cluster.awaitLeader(left(deadline));
        membership.undoAll(cluster);
        int leader = cluster.awaitLeader(left(deadline));
        ServerStatus status = cluster.status(leader).orElseThrow(() -> new ClusterException("the leader went silent"));
        for (int id : cluster.nodeIds()) {
            if (!status.hasMember(id)) {
                cluster.rejoinNode(id);
            }
        }
        for (ServerStatus.Member member : status.members()) {
            int id = ClusterControl.memberId(member.id());
            if (!cluster.nodeIds().contains(id)) {
                cluster.removeNode(id);
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
     * Broken rules that a fault checks itself rather than through the history (an {@link Faults#OVERSIZE}
     * request at a limit that was not replicated, say): each one fails the run.
     */
    public List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    /** How many times each fault was injected (failed injections included), in the order first injected. */
    public Map<Fault, Integer> counts() {
        Map<Fault, Integer> counts = new LinkedHashMap<>();
        for (FaultEvent event : events()) {
            counts.merge(event.fault(), 1, Integer::sum);
        }
        return counts;
    }

    /** Stops the schedule and heals the fault that is on, without waiting for the cluster's health. */
    @Override
    public void close() {
        stop();
        heal();
    }

    private Fault.Injection apply(FaultStep step) {
        List<Integer> members = cluster.nodeIds();
        OptionalInt leader = step.variant().needsLeader() ? OptionalInt.of(cluster.awaitLeader(FaultContext.LEADER_WAIT))
                : cluster.leaderId();
        List<Integer> targets = Targets.resolve(step, members, leader);
        if (targets.isEmpty() && !step.variant().makesItsOwnNode()) {
            throw new ClusterException("no node to hit among members " + members + " (leader " + leader + ")");
        }
        return step.fault().inject(step, new FaultContext(cluster, targets, leader, membership, violations::add));
    }

    /**
     * After an injection or heal that failed half way: {@link #repair} without waiting for anything,
     * so the run goes on with the whole cluster, and says what it did (and where it failed) rather
     * than throw. Membership is left to {@link #stopAndHeal}.
     */
    private String repairQuietly() {
        List<String> done = new ArrayList<>();
        try {
            repair(done::add);
        } catch (RuntimeException e) {
            done.add("repair failed: " + describe(e));
        }
        return done.isEmpty() ? "" : "repaired: " + String.join(", ", done);
    }

    /**
     * Clears every proxy's faults, frees the disks, continues every paused member and starts every
     * member that is not running, telling {@code done} each step taken.
     */
    private void repair(Consumer<String> done) {
        if (cluster.controlsNetwork()) {
            for (int id : cluster.nodeIds()) {
                cluster.proxy(id).clearFaults();
            }
            done.accept("proxies cleared");
        }
        cluster.freeDisks();
        if (cluster.controlsProcesses()) {
            for (int id : cluster.nodeIds()) {
                if (cluster.isRunning(id) && cluster.isPaused(id)) {
                    cluster.resume(id);
                    done.accept("continued " + id);
                } else if (!cluster.isRunning(id)) {
                    cluster.restart(id);
                    done.accept("restarted " + id);
                }
            }
        }
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
