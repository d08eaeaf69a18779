package io.tern.raft.core.progress;

/**
 * What a leader knows about replicating to one member: the highest index known to match ({@code
 * match}), the next index to send ({@code next}), and how to send.
 *
 * <ul>
 *   <li>PROBE: the follower's log position is unknown; one AppendEntries at a time, each waiting for its
 *       answer (or the next heartbeat answer) before the next is sent.</li>
 *   <li>REPLICATE: the position is known; send optimistically, up to the in-flight window.</li>
 *   <li>SNAPSHOT: the entries the follower needs are compacted; a snapshot is on its way and nothing
 *       else is sent until it is acknowledged or times out.</li>
 * </ul>
 */
public final class ReplicationProgress {

    public enum State {
        PROBE, REPLICATE, SNAPSHOT
    }

    private static final int NEVER_HEARD = Integer.MAX_VALUE;

    private long match;
    private long next;
    private State state = State.PROBE;
    private boolean probeSent;
    private long pendingSnapshot;
    private int snapshotElapsed;
    /** Leader ticks since this member last answered, saturating; {@link #NEVER_HEARD} until it first does. */
    private int quietTicks = NEVER_HEARD;
    private boolean resync;
    private long commitSent;
    private final InflightWindow inflight;

    public ReplicationProgress(long next, int window) {
        this.next = next;
        this.inflight = new InflightWindow(window);
    }

    public long match() {
        return match;
    }

    public long next() {
        return next;
    }

    public State state() {
        return state;
    }

    public long pendingSnapshot() {
        return pendingSnapshot;
    }

    public int inflightCount() {
        return inflight.count();
    }

    /** No message may be sent now: the probe awaits its answer, the window is full, or a snapshot is under way. */
    public boolean isPaused() {
        return switch (state) {
            case PROBE -> probeSent;
            case REPLICATE -> inflight.isFull();
            case SNAPSHOT -> true;
        };
    }

    public void becomeProbe() {
        long from = state == State.SNAPSHOT ? Math.max(match + 1, pendingSnapshot + 1) : match + 1;
        enterProbe(from);
    }

    /** The snapshot did not arrive (or nobody knows): probe again from the known match. */
    public void abortSnapshot() {
        enterProbe(match + 1);
    }

    private void enterProbe(long from) {
        state = State.PROBE;
        next = from;
        probeSent = false;
        pendingSnapshot = 0;
        inflight.clear();
    }

    public void becomeReplicate() {
        state = State.REPLICATE;
        next = match + 1;
        probeSent = false;
        inflight.clear();
    }

    public void becomeSnapshot(long snapshotIndex) {
        state = State.SNAPSHOT;
        pendingSnapshot = snapshotIndex;
        snapshotElapsed = 0;
        inflight.clear();
    }

    /** The follower acknowledged everything up to {@code index}; returns whether {@code match} grew. */
    public boolean acknowledge(long index) {
        boolean grew = index > match;
        if (grew) {
            match = index;
            probeSent = false;
        }
        next = Math.max(next, index + 1);
        if (state == State.REPLICATE) {
            inflight.releaseUpTo(index);
        }
        return grew;
    }

    /**
     * The follower refused AppendEntries whose previous index was {@code rejected}; {@code hint} is the
     * next index the conflict hint suggests. Returns false for a stale refusal (one answering a message
     * sent before the leader last moved {@code next}).
     */
    public boolean reject(long rejected, long hint) {
        if (state == State.REPLICATE) {
            if (rejected <= match) {
                return false;
            }
            enterProbe(clamp(hint, rejected));
            return true;
        }
        if (state == State.SNAPSHOT || rejected != next - 1) {
            return false;
        }
        enterProbe(clamp(hint, rejected));
        return true;
    }

    private long clamp(long hint, long rejected) {
        return Math.max(match + 1, Math.min(hint, rejected));
    }

    /** An AppendEntries ending at {@code lastIndex} (with {@code count} entries) carrying commit {@code commit} left. */
    public void sent(long lastIndex, int count, long commit) {
        commitSent = Math.max(commitSent, commit);
        resync = false;
        if (state == State.REPLICATE) {
            if (count > 0) {
                next = lastIndex + 1;
                inflight.add(lastIndex);
            }
        } else {
            probeSent = true;
        }
    }

    /**
     * A heartbeat was answered: the follower is reachable. Resume a waiting probe, make room in a full
     * window (its oldest message is presumed lost) and, if the follower lags, ask for one AppendEntries
     * even without new entries so that a lost message is detected by its refusal.
     */
    public void heartbeatAnswered(long leaderLastIndex) {
        markActive();
        probeSent = false;
        if (state == State.REPLICATE && inflight.isFull()) {
            inflight.releaseOldest();
        }
        if (match < leaderLastIndex) {
            resync = true;
        }
    }

    public boolean wantsResync() {
        return resync;
    }

    public long commitSent() {
        return commitSent;
    }

    /** The member answered: it is reachable now. */
    public void markActive() {
        quietTicks = 0;
    }

    /** Counts one leader tick of silence. */
    public void tick() {
        if (quietTicks < NEVER_HEARD) {
            quietTicks++;
        }
    }

    /**
     * Whether the member answered within the last {@code ticks} leader ticks: check-quorum asks it once
     * per election timeout, the reconfiguration check at any time, so it is a sliding window and not a
     * flag cleared per period.
     */
    public boolean heardWithin(int ticks) {
        return quietTicks < ticks;
    }

    /** Leader ticks since the member last answered; {@code Integer.MAX_VALUE} until it first does. */
    public int quietTicks() {
        return quietTicks;
    }

    /** Counts a tick while a snapshot is under way; returns true once the snapshot should be considered lost. */
    public boolean snapshotTimedOut(int timeoutTicks) {
        return state == State.SNAPSHOT && ++snapshotElapsed >= timeoutTicks;
    }

    @Override
    public String toString() {
        return state + "[match=" + match + ",next=" + next + (state == State.SNAPSHOT ? ",snapshot=" + pendingSnapshot : "")
                + ",inflight=" + inflight.count() + "]";
    }
}
