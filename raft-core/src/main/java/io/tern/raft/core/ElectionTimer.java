package io.tern.raft.core;

import java.util.random.RandomGenerator;

/**
 * Counts ticks since the node last heard from a leader (or, for a leader, since its last quorum
 * check). A follower's timeout is drawn anew from [T, 2T) each time it is reset, so that nodes rarely
 * time out together and split the vote.
 */
final class ElectionTimer {

    private final int electionTicks;
    private final RandomGenerator random;
    private int elapsed;
    private int timeout;

    ElectionTimer(int electionTicks, RandomGenerator random) {
        this.electionTicks = electionTicks;
        this.random = random;
        reset();
    }

    /** Starts a new wait with a fresh random timeout (on every change of role or term). */
    void reset() {
        elapsed = 0;
        timeout = electionTicks + random.nextInt(electionTicks);
    }

    /** Heard from the leader (or granted a vote): start counting again, keeping the timeout. */
    void restart() {
        elapsed = 0;
    }

    /** Counts the base timeout T as passed, leaving only the random part of this wait, [1, T] ticks. */
    void fastForward() {
        elapsed = Math.max(elapsed, electionTicks - 1);
    }

    /** Ends this wait at the next tick, unless it ends sooner. */
    void expireAtNextTick() {
        elapsed = Math.max(elapsed, timeout - 1);
    }

    /** A follower's tick; true once the randomized timeout has passed. */
    boolean tickExpired() {
        if (elapsed < Integer.MAX_VALUE) {
            elapsed++;
        }
        return elapsed >= timeout;
    }

    /** A leader's tick; true once per base election timeout, when the count starts over. */
    boolean tickLeaderPeriod() {
        if (++elapsed >= electionTicks) {
            elapsed = 0;
            return true;
        }
        return false;
    }

    /** Ticks since the last reset or restart (for a follower: since it last heard from its leader). */
    int elapsed() {
        return elapsed;
    }

    /** Whether fewer than T ticks passed since the last restart: a leader heard from then is presumed alive. */
    boolean withinBaseTimeout() {
        return elapsed < electionTicks;
    }
}
