package io.tern.raft.nodesim;

import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * The simulation's one thread of time: a virtual clock and the events due on it, run one at a time
 * in (time, arrival) order. Nothing in a simulated run reads the wall clock or starts a thread, so a
 * seed replays exactly.
 */
final class SimClock {

    private record Event(long atNanos, long arrival, Runnable task) implements Comparable<Event> {
        @Override
        public int compareTo(Event other) {
            int byTime = Long.compare(atNanos, other.atNanos);
            return byTime != 0 ? byTime : Long.compare(arrival, other.arrival);
        }
    }

    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private final SplittableRandom random;
    private long now;
    private long arrivals;
    private long ran;

    SimClock(SplittableRandom random) {
        this.random = random;
    }

    long nanoTime() {
        return now;
    }

    long millis() {
        return now / 1_000_000;
    }

    SplittableRandom random() {
        return random;
    }

    void schedule(long delayNanos, Runnable task) {
        events.add(new Event(now + Math.max(0, delayNanos), arrivals++, task));
    }

    /** Runs every event due up to {@code untilNanos}, then sets the clock there. */
    void runUntil(long untilNanos) {
        while (!events.isEmpty() && events.peek().atNanos() <= untilNanos) {
            Event next = events.poll();
            now = next.atNanos();
            ran++;
            next.task().run();
        }
        now = Math.max(now, untilNanos);
    }

    long eventsRun() {
        return ran;
    }
}
