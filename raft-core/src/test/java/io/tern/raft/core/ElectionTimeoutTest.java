package io.tern.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;
import io.tern.raft.sim.MemoryStorage;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Election timeouts are drawn uniformly from [T, 2T): every value occurs, none outside; a member just
 * started waits only the random part, [1, T].
 */
class ElectionTimeoutTest {

    static void assertTimeoutsCoverRange(int electionTicks) {
        TreeSet<Integer> seen = ticksToFirstCampaign(electionTicks, false);
        assertEquals(electionTicks, (int) seen.first(), "earliest campaign");
        assertEquals(2 * electionTicks - 1, (int) seen.last(), "latest campaign");
        assertEquals(electionTicks, seen.size(), "every timeout in [T, 2T) occurs: " + seen);
    }

    /** The ticks a follower of a two-member cluster waited before it campaigned, over 400 seeds. */
    private static TreeSet<Integer> ticksToFirstCampaign(int electionTicks, boolean justStarted) {
        TreeSet<Integer> seen = new TreeSet<>();
        Random seeds = new Random(1);
        for (int trial = 0; trial < 400; trial++) {
            MemoryStorage storage = new MemoryStorage(new Membership(List.of(new Member(1, "a", true), new Member(2, "b", true))));
            RaftCore core = RaftCore.start(RaftConfig.defaults(1).withTicks(electionTicks, 1), storage,
                    new Random(seeds.nextLong()));
            if (justStarted) {
                core.fastForwardElectionTimer();
            }
            int ticks = 0;
            while (core.role() == Role.FOLLOWER) {
                core.tick();
                ticks++;
                assertTrue(ticks < 2 * electionTicks, "no campaign within 2T ticks");
            }
            seen.add(ticks);
        }
        return seen;
    }

    @Test
    void timeoutsAreUniformOverTToTwoT() {
        assertTimeoutsCoverRange(10);
        assertTimeoutsCoverRange(3);
    }

    @Test
    void aMemberJustStartedWaitsOnlyTheRandomPartOfItsTimeout() {
        TreeSet<Integer> seen = ticksToFirstCampaign(10, true);
        assertEquals(1, (int) seen.first(), "earliest campaign");
        assertEquals(10, (int) seen.last(), "latest campaign");
        assertEquals(10, seen.size(), "every wait in [1, T] occurs, still at random: " + seen);
    }

    @Test
    void aMemberWithoutPreVoteIsNotFastForwarded() {
        MemoryStorage storage = new MemoryStorage(new Membership(List.of(new Member(1, "a", true), new Member(2, "b", true))));
        RaftCore core = RaftCore.start(RaftConfig.defaults(1).withTicks(10, 1).withPreVote(false), storage, new Random(3));
        core.fastForwardElectionTimer();
        for (int tick = 1; tick < 10; tick++) {
            core.tick();
            assertEquals(Role.FOLLOWER, core.role(), "without pre-vote an early campaign could depose a live leader");
        }
    }
}
