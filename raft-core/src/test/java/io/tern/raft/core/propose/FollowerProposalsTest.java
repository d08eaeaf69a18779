package io.tern.raft.core.propose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FollowerProposalsTest {

    @Test
    void aRequestStopsAtItsByteBudgetCountingEachEntrysOverheadButTakesAtLeastOne() {
        FollowerProposals proposals = new FollowerProposals();
        for (long id = 1; id <= 5; id++) {
            proposals.add(id, new byte[10]);
        }
        // 10 bytes of payload and 40 of overhead each: two fit in 100, not three.
        assertEquals(2, proposals.takeRequest(101, 100, 40).commands().size());
        assertEquals(2, proposals.takeRequest(102, 100, 40).commands().size());
        proposals.add(6, new byte[500]);
        // The fifth fits, the sixth alone is over the budget: the next request takes it by itself.
        assertEquals(1, proposals.takeRequest(103, 100, 40).commands().size());
        assertEquals(1, proposals.takeRequest(104, 100, 40).commands().size());
        assertFalse(proposals.hasGathered());
        assertEquals(List.of(1L, 2L), proposals.settled(101));
        assertEquals(List.of(), proposals.settled(101), "a repeated answer places nothing");
        assertEquals(List.of(6L), proposals.settled(104));
        assertEquals(List.of(), proposals.settled(999), "an unknown context places nothing");
    }

    @Test
    void requestsUnansweredForTheLimitAreGivenUpOldestFirst() {
        FollowerProposals proposals = new FollowerProposals();
        proposals.add(1, new byte[1]);
        proposals.takeRequest(10, 1 << 20, 0);
        proposals.tick(3);
        proposals.add(2, new byte[1]);
        proposals.takeRequest(11, 1 << 20, 0);
        assertEquals(List.of(), proposals.tick(3));
        assertEquals(List.of(1L), proposals.tick(3), "the first request waited three ticks");
        assertEquals(List.of(2L), proposals.tick(3));
        assertEquals(List.of(), proposals.settled(10), "an answer after giving up places nothing");
    }

    @Test
    void aRequestThatNeverLeftGivesBackItsProposalsOnceAndLeavesTheOthersWaiting() {
        FollowerProposals proposals = new FollowerProposals();
        proposals.add(1, new byte[1]);
        proposals.add(2, new byte[1]);
        proposals.takeRequest(10, 1 << 20, 0);
        proposals.add(3, new byte[1]);
        proposals.takeRequest(11, 1 << 20, 0);
        assertEquals(List.of(1L, 2L), proposals.settled(10));
        assertEquals(List.of(), proposals.settled(10), "said twice, it gives back nothing more");
        assertEquals(List.of(), proposals.settled(10), "nor does a late answer");
        assertEquals(List.of(3L), proposals.settled(11));
    }

    @Test
    void leavingTheRoleTellsUnsentFromUnanswered() {
        FollowerProposals proposals = new FollowerProposals();
        proposals.add(1, new byte[1]);
        proposals.takeRequest(10, 1 << 20, 0);
        proposals.add(2, new byte[1]);
        FollowerProposals.Abandoned abandoned = proposals.abandonAll();
        assertEquals(List.of(2L), abandoned.unsent());
        assertEquals(List.of(1L), abandoned.unanswered());
        assertFalse(proposals.hasGathered());
        assertTrue(proposals.abandonAll().unanswered().isEmpty());
    }

    @Test
    void aContextIsNeverUsedTwiceWhileWaiting() {
        FollowerProposals proposals = new FollowerProposals();
        proposals.add(1, new byte[1]);
        proposals.takeRequest(10, 1 << 20, 0);
        proposals.add(2, new byte[1]);
        assertThrows(IllegalStateException.class, () -> proposals.takeRequest(10, 1 << 20, 0));
    }
}
