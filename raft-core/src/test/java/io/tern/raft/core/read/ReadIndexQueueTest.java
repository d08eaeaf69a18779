package io.tern.raft.core.read;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tern.raft.core.ReadState;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadIndexQueueTest {

    private static final List<Long> VOTERS = List.of(1L, 2L, 3L, 4L, 5L);

    @Test
    void roundIsConfirmedByAQuorumCountingTheLeader() {
        ReadIndexQueue q = new ReadIndexQueue();
        q.add(100, 7);
        q.add(101, 7);
        long round = q.startRound();
        assertEquals(List.of(), q.acknowledge(2, round, 1, VOTERS));
        assertEquals(List.of(new ReadState(100, 7), new ReadState(101, 7)), q.acknowledge(3, round, 1, VOTERS));
    }

    @Test
    void laterRoundConfirmsEarlierOnesButNotTheReverse() {
        ReadIndexQueue q = new ReadIndexQueue();
        q.add(100, 7);
        long first = q.startRound();
        q.add(101, 8);
        long second = q.startRound();
        assertEquals(List.of(), q.acknowledge(2, first, 1, VOTERS));
        assertEquals(List.of(new ReadState(100, 7)), q.acknowledge(3, first, 1, VOTERS));
        assertEquals(List.of(), q.acknowledge(4, second, 1, VOTERS));
        assertEquals(List.of(new ReadState(101, 8)), q.acknowledge(5, second, 1, VOTERS));
    }

    @Test
    void deferredReadsTakeTheCommitIndexOfTheTermsFirstCommit() {
        ReadIndexQueue q = new ReadIndexQueue();
        q.deferUntilTermCommit(100);
        q.termCommitted(12);
        long round = q.startRound();
        q.acknowledge(2, round, 1, VOTERS);
        assertEquals(List.of(new ReadState(100, 12)), q.acknowledge(3, round, 1, VOTERS));
    }

    @Test
    void abandonReturnsEveryPendingRead() {
        ReadIndexQueue q = new ReadIndexQueue();
        q.deferUntilTermCommit(1);
        q.add(2, 5);
        q.startRound();
        q.add(3, 5);
        assertEquals(List.of(1L, 2L, 3L), q.abandonAll());
        assertEquals(0, q.pendingCount());
    }
}
