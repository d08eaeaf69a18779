package io.tern.raft.core.read;

import io.tern.raft.core.quorum.Quorum;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A leader's linearizable reads on their way to being safe (ReadIndex, Raft thesis 6.4): its own,
 * and those its followers asked for.
 *
 * <p>A read first waits until the leader has committed an entry of its own term (before that the
 * leader's commit index may lag what earlier leaders committed). It then takes the commit index as
 * its read index and joins the next heartbeat <em>round</em>: many reads share one round. A round is
 * confirmed once a quorum of voters answered a heartbeat carrying that round or a later one, which
 * proves that no other leader had taken over when the read arrived. Rounds are numbered in sending
 * order, so confirming a round confirms every earlier one.
 *
 * <p>One round is in flight at a time (as etcd's server keeps one ReadIndex request in flight): the
 * reads that arrive during a round trip share the next round. A round per batch of reads that the
 * leader happened to take in one turn instead cost each follower a heartbeat and an answer per
 * batch, and under load halved the reads a leader served.
 */
public final class ReadIndexQueue {

    /**
     * A read that is safe at {@code index}: the leader's own when {@code requester} is the leader,
     * else a follower's request, {@code readId} then being the follower's context.
     */
    public record ConfirmedRead(long requester, long readId, long index) {
    }

    private record Read(long requester, long readId) {
    }

    private record Round(long number, List<ConfirmedRead> reads) {
    }

    private final long self;
    private final Deque<Read> awaitingTermCommit = new ArrayDeque<>();
    private final List<ConfirmedRead> awaitingRound = new ArrayList<>();
    private final Deque<Round> rounds = new ArrayDeque<>();
    private final Map<Long, Long> highestAck = new HashMap<>();
    private long lastRound;

    /** @param self the leader's id: it counts as having answered every round, and its reads are its own */
    public ReadIndexQueue(long self) {
        this.self = self;
    }

    /** A read arrived before the leader committed an entry of its term. */
    public void deferUntilTermCommit(long requester, long readId) {
        awaitingTermCommit.add(new Read(requester, readId));
    }

    /** A read arrived with the leader able to serve it at {@code index}. */
    public void add(long requester, long readId, long index) {
        awaitingRound.add(new ConfirmedRead(requester, readId, index));
    }

    /** The leader committed an entry of its term at {@code commitIndex}: deferred reads may proceed. */
    public void termCommitted(long commitIndex) {
        while (!awaitingTermCommit.isEmpty()) {
            Read read = awaitingTermCommit.poll();
            add(read.requester(), read.readId(), commitIndex);
        }
    }

    /** Whether a heartbeat round should start now: reads wait for one, and no round is in flight. */
    public boolean needsRound() {
        return !awaitingRound.isEmpty() && rounds.isEmpty();
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

    /** {@code voter} answered a heartbeat of round {@code round}. Returns the reads this made safe, in arrival order. */
    public List<ConfirmedRead> acknowledge(long voter, long round, Collection<Long> voters) {
        if (round <= 0) {
            return List.of();
        }
        highestAck.merge(voter, round, Math::max);
        List<ConfirmedRead> safe = new ArrayList<>();
        while (!rounds.isEmpty()) {
            long number = rounds.peek().number();
            boolean confirmed = Quorum.isQuorum(voters, id -> id == self || highestAck.getOrDefault(id, 0L) >= number);
            if (!confirmed) {
                break;
            }
            safe.addAll(rounds.poll().reads());
        }
        return safe;
    }

    /**
     * Confirms every waiting read without a round: for a leader that is the only voter, no other
     * leader can exist.
     */
    public List<ConfirmedRead> confirmAllAlone() {
        List<ConfirmedRead> safe = new ArrayList<>();
        while (!rounds.isEmpty()) {
            safe.addAll(rounds.poll().reads());
        }
        safe.addAll(awaitingRound);
        awaitingRound.clear();
        return safe;
    }

    /**
     * The leader lost its leadership: its own reads not yet safe are returned, to be failed. Followers'
     * requests are dropped; each follower gives up on them itself (see {@link FollowerReads}).
     */
    public List<Long> abandonAll() {
        List<Long> abandoned = new ArrayList<>();
        awaitingTermCommit.forEach(r -> addIfOwn(abandoned, r.requester(), r.readId()));
        for (Round round : rounds) {
            round.reads().forEach(r -> addIfOwn(abandoned, r.requester(), r.readId()));
        }
        awaitingRound.forEach(r -> addIfOwn(abandoned, r.requester(), r.readId()));
        awaitingTermCommit.clear();
        rounds.clear();
        awaitingRound.clear();
        return abandoned;
    }

    private void addIfOwn(List<Long> abandoned, long requester, long readId) {
        if (requester == self) {
            abandoned.add(readId);
        }
    }

    public int pendingCount() {
        int n = awaitingTermCommit.size() + awaitingRound.size();
        for (Round round : rounds) {
            n += round.reads().size();
        }
        return n;
    }
}
