package io.tern.raft.core.read;

import java.util.ArrayList;
import java.util.List;

/**
 * A follower's linearizable reads (Raft thesis 6.4, reads served by followers): the reads gathered
 * while no request is out ask the leader for a read index together, under one <em>context</em>
 * number; the leader answers once it has confirmed that it still leads, and the follower serves them
 * after applying up to that index.
 *
 * <p>One request at a time makes the reads that arrive during a round trip share the next request,
 * as a leader's reads share a heartbeat round; each request costs the leader a round.
 *
 * <p>An answer can be lost (a dropped connection, a leader that stepped down in the same term), so a
 * request unanswered for longer than a limit is given up and its reads returned, to be failed and
 * retried elsewhere; they never wait longer than that for a leader that will not answer.
 */
public final class FollowerReads {

    private record Request(long context, long sentAtTick, List<Long> readIds) {
    }

    /**
     * How many entries up to the read index a follower may lack and still serve the read itself. One
     * that lacks more is catching up (after a restart, a partition, or while a snapshot comes): its
     * reads would wait for all of it, so they are given up and go to the leader instead. Under load a
     * follower lacks about one AppendEntries' worth, far below this.
     */
    public static final long MAX_ENTRIES_MISSING = 1_000;

    private final List<Long> gathering = new ArrayList<>();
    /** The request waiting for the leader's answer, or null. */
    private Request out;
    private long ticks;

    /** A read to ask the leader for with the next request. */
    public void add(long readId) {
        gathering.add(readId);
    }

    /** Whether a request should be sent now: reads are gathered and no request waits for its answer. */
    public boolean readyToAsk() {
        return !gathering.isEmpty() && out == null;
    }

    /**
     * Takes the gathered reads into a request under {@code context}, to be sent to the leader. A
     * context must never be used twice by one member, even across restarts: an answer to an earlier
     * request with the same context would serve these reads at a stale index.
     */
    public void startRequest(long context) {
        if (out != null) {
            throw new IllegalStateException("read context " + out.context() + " is still waiting for an answer");
        }
        out = new Request(context, ticks, List.copyOf(gathering));
        gathering.clear();
    }

    /** Whether a follower whose log ends at {@code lastIndex} is too far behind to serve a read at {@code readIndex}. */
    public static boolean tooFarBehind(long readIndex, long lastIndex) {
        return readIndex - lastIndex > MAX_ENTRIES_MISSING;
    }

    /**
     * The request under {@code context} is settled: the leader answered it, or the transport knows it
     * never left. The reads it covers, or none for an unknown context or one settled already.
     */
    public List<Long> settled(long context) {
        if (out == null || out.context() != context) {
            return List.of();
        }
        return takeOut();
    }

    /**
     * Advances time by one tick; gives up the request out if it has waited {@code limitTicks} or longer
     * for an answer, returning its reads.
     */
    public List<Long> tick(int limitTicks) {
        ticks++;
        return out != null && ticks - out.sentAtTick() >= limitTicks ? takeOut() : List.of();
    }

    /** The follower leaves its role or its leader: every read not yet answered is returned, to be failed. */
    public List<Long> abandonAll() {
        List<Long> abandoned = new ArrayList<>(gathering);
        gathering.clear();
        abandoned.addAll(takeOut());
        return abandoned;
    }

    private List<Long> takeOut() {
        List<Long> readIds = out == null ? List.of() : out.readIds();
        out = null;
        return readIds;
    }
}
