package io.tern.raft.core.read;

import io.tern.raft.core.ReadState;
import io.tern.raft.core.quorum.Quorum;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A leader's linearizable reads on their way to being safe (ReadIndex, Raft thesis 6.4).
 *
 * <p>A read first waits until the leader has committed an entry of its own term (before that the
 * leader's commit index may lag what earlier leaders committed). It then takes the commit index as
 * its read index and joins the next heartbeat <em>round</em>: many reads share one round. A round is
 * confirmed once a quorum of voters answered a heartbeat carrying that round or a later one, which
 * proves that no other leader had taken over when the read arrived. Rounds are numbered in sending
 * order, so confirming a round confirms every earlier one.
 */
public final class ReadIndexQueue {

    private record Read(long readId, long index) {
    }

    private final Deque<Long> awaitingTermCommit = new ArrayDeque<>();
    private final List<Read> awaitingRound = new ArrayList<>();
    private final Deque<Round> rounds = new ArrayDeque<>();
    private final Map<Long, Long> highestAck = new HashMap<>();
    private long lastRound;

    private record Round(long number, List<Read> reads) {
    }

    /** A read arrived before the leader committed an entry of its term. */
    public void deferUntilTermCommit(long readId) {
        awaitingTermCommit.add(readId);
    }

    /** A read arrived with the leader able to serve it at {@code index}. */
    public void add(long readId, long index) {
        awaitingRound.add(new Read(readId, index));
    }

    /** The leader committed an entry of its term at {@code commitIndex}: deferred reads may proceed. */
    public void termCommitted(long commitIndex) {
        while (!awaitingTermCommit.isEmpty()) {
            add(awaitingTermCommit.poll(), commitIndex);
        }
    }

    /** Whether reads wait for a heartbeat round that has not been sent yet. */
    public boolean needsRound() {
        return !awaitingRound.isEmpty();
    }

    /** Starts a heartbeat round for the waiting reads and returns its number, to be sent in the heartbeats. */
    public long startRound() {
        lastRound++;
        rounds.add(new Round(lastRound, List.copyOf(awaitingRound)));
        awaitingRound.clear();
        return lastRound;
    }

    /** The newest round sent; periodic heartbeats carry it so that a lost heartbeat is made up for. */
    public long lastRound() {
        return lastRound;
    }

    /**
     * {@code voter} answered a heartbeat of round {@code round}. Returns the reads this made safe, in
     * arrival order. {@code self} counts as having answered every round.
     */
    public List<ReadState> acknowledge(long voter, long round, long self, Collection<Long> voters) {
        if (round <= 0) {
            return List.of();
        }
        highestAck.merge(voter, round, Math::max);
        List<ReadState> safe = new ArrayList<>();
        while (!rounds.isEmpty()) {
            long number = rounds.peek().number();
            boolean confirmed = Quorum.isQuorum(voters, id -> id == self || highestAck.getOrDefault(id, 0L) >= number);
            if (!confirmed) {
                break;
            }
            for (Read read : rounds.poll().reads()) {
                safe.add(new ReadState(read.readId(), read.index()));
            }
        }
        return safe;
    }

    /**
     * Confirms every waiting read without a round: for a leader that is the only voter, no other
     * leader can exist.
     */
    public List<ReadState> confirmAllAlone() {
        List<ReadState> safe = new ArrayList<>();
        while (!rounds.isEmpty()) {
            for (Read read : rounds.poll().reads()) {
                safe.add(new ReadState(read.readId(), read.index()));
            }
        }
        for (Read read : awaitingRound) {
            safe.add(new ReadState(read.readId(), read.index()));
        }
        awaitingRound.clear();
        return safe;
    }

    /** The leader lost its leadership: every read not yet safe is returned, to be failed. */
    public List<Long> abandonAll() {
        List<Long> abandoned = new ArrayList<>(awaitingTermCommit);
        for (Round round : rounds) {
            round.reads().forEach(r -> abandoned.add(r.readId()));
        }
        awaitingRound.forEach(r -> abandoned.add(r.readId()));
        awaitingTermCommit.clear();
        rounds.clear();
        awaitingRound.clear();
        return abandoned;
    }

    public int pendingCount() {
        int n = awaitingTermCommit.size() + awaitingRound.size();
        for (Round round : rounds) {
            n += round.reads().size();
        }
        return n;
    }
}
