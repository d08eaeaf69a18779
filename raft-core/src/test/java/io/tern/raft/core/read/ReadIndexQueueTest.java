package io.tern.raft.core.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.raft.core.read.ReadIndexQueue.ConfirmedRead;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadIndexQueueTest {

    private static final long LEADER = 1;
    private static final List<Long> VOTERS = List.of(1L, 2L, 3L, 4L, 5L);

    private static ConfirmedRead own(long readId, long index) {
        return new ConfirmedRead(LEADER, readId, index);
    }

    @Test
    void roundIsConfirmedByAQuorumCountingTheLeader() {
        ReadIndexQueue q = new ReadIndexQueue(LEADER);
        q.add(LEADER, 100, 7);
        q.add(LEADER, 101, 7);
        long round = q.startRound();
        assertEquals(List.of(), q.acknowledge(2, round, VOTERS));
        assertEquals(List.of(own(100, 7), own(101, 7)), q.acknowledge(3, round, VOTERS));
    }

    @Test
    void laterRoundConfirmsEarlierOnesButNotTheReverse() {
        ReadIndexQueue q = new ReadIndexQueue(LEADER);
        q.add(LEADER, 100, 7);
        long first = q.startRound();
        q.add(LEADER, 101, 8);
        long second = q.startRound();
        assertEquals(List.of(), q.acknowledge(2, first, VOTERS));
        assertEquals(List.of(own(100, 7)), q.acknowledge(3, first, VOTERS));
        assertEquals(List.of(), q.acknowledge(4, second, VOTERS));
        assertEquals(List.of(own(101, 8)), q.acknowledge(5, second, VOTERS));
    }

    @Test
    void theNextRoundWaitsUntilTheOneInFlightIsConfirmed() {
        ReadIndexQueue q = new ReadIndexQueue(LEADER);
        q.add(LEADER, 100, 7);
        assertTrue(q.needsRound());
        long first = q.startRound();
        q.add(LEADER, 101, 7);
        q.add(LEADER, 102, 8);
        assertFalse(q.needsRound(), "round " + first + " is in flight");
        q.acknowledge(2, first, VOTERS);
        assertFalse(q.needsRound(), "round " + first + " is not confirmed by two of five");
        assertEquals(List.of(own(100, 7)), q.acknowledge(3, first, VOTERS));
        assertTrue(q.needsRound());
        long second = q.startRound();
        q.acknowledge(2, second, VOTERS);
        assertEquals(List.of(own(101, 7), own(102, 8)), q.acknowledge(3, second, VOTERS));
        assertFalse(q.needsRound());
    }

    @Test
    void deferredReadsTakeTheCommitIndexOfTheTermsFirstCommit() {
        ReadIndexQueue q = new ReadIndexQueue(LEADER);
        q.deferUntilTermCommit(LEADER, 100);
        q.deferUntilTermCommit(4, 9);
        q.termCommitted(12);
        long round = q.startRound();
        q.acknowledge(2, round, VOTERS);
        assertEquals(List.of(own(100, 12), new ConfirmedRead(4, 9, 12)), q.acknowledge(3, round, VOTERS));
    }

    @Test
    void aFollowersRequestSharesTheRoundAndKeepsItsRequester() {
        ReadIndexQueue q = new ReadIndexQueue(LEADER);
        q.add(LEADER, 100, 7);
        q.add(2, 1, 7);
        long round = q.startRound();
        q.acknowledge(2, round, VOTERS);
        assertEquals(List.of(own(100, 7), new ConfirmedRead(2, 1, 7)), q.acknowledge(3, round, VOTERS));
    }

    @Test
    void abandonReturnsTheLeadersOwnPendingReadsAndDropsFollowersRequests() {
        ReadIndexQueue q = new ReadIndexQueue(LEADER);
        q.deferUntilTermCommit(LEADER, 1);
        q.deferUntilTermCommit(3, 50);
        q.add(LEADER, 2, 5);
        q.add(2, 51, 5);
        q.startRound();
        q.add(LEADER, 3, 5);
        assertEquals(List.of(1L, 2L, 3L), q.abandonAll());
        assertEquals(0, q.pendingCount());
    }
}
