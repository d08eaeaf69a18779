package io.tern.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The arithmetic of the strict reconfiguration check, leader 1 throughout. */
class ReconfigurationGuardTest {

    private static Membership members(String spec) {
        List<Member> list = new ArrayList<>();
        for (String part : spec.split(" ")) {
            boolean learner = part.startsWith("L");
            long id = Long.parseLong(learner ? part.substring(1) : part);
            list.add(new Member(id, "n" + id, !learner));
        }
        return new Membership(list);
    }

    /** The refusal's reason, or "ok". */
    private static String check(String current, String next, Set<Long> heard, Map<Long, Long> matches, long leaderMatch) {
        Optional<ProposeResult.Rejected> refusal = ReconfigurationGuard.check(members(current), members(next), 1,
                heard::contains, id -> matches.getOrDefault(id, 0L), leaderMatch);
        return refusal.map(r -> r.reason().toString()).orElse("ok");
    }

    private static String check(String current, String next, Set<Long> heard) {
        return check(current, next, heard, Map.of(), 0);
    }

    @Test
    void aNewVoterIsNeverCountedAsHealthy() {
        assertEquals("UNHEALTHY_CLUSTER", check("1", "1 2", Set.of(2L)));
        assertEquals("ok", check("1 2", "1 2 3", Set.of(2L)));
        assertEquals("ok", check("1 2 3", "1 2 3 4", Set.of(2L, 3L)));
        assertEquals("UNHEALTHY_CLUSTER", check("1 2 3", "1 2 3 4", Set.of(2L)));
        assertEquals("ok", check("1 2 3 4", "1 2 3 4 5", Set.of(2L, 3L)));
        assertEquals("UNHEALTHY_CLUSTER", check("1 2 3 4", "1 2 3 4 5", Set.of(2L)));
    }

    @Test
    void removalCountsTheVotersThatRemain() {
        assertEquals("ok", check("1 2 3", "1 2", Set.of(2L)), "the silent voter may go");
        assertEquals("UNHEALTHY_CLUSTER", check("1 2 3", "1 3", Set.of(2L)), "a healthy one may not");
        assertEquals("UNHEALTHY_CLUSTER", check("1 2 3", "2 3", Set.of(2L)), "nor may the leader leave");
        assertEquals("ok", check("1 2 3", "2 3", Set.of(2L, 3L)));
        assertEquals("ok", check("1 2", "1", Set.of()), "a lone leader keeps its own quorum");
        assertEquals("UNHEALTHY_CLUSTER", check("1 2 3", "1 L2 3", Set.of(2L)), "demoting a voter removes it");
    }

    @Test
    void learnersJoinAndLeaveWhateverTheHealth() {
        assertEquals("ok", check("1 2 3", "1 2 3 L4", Set.of()));
        assertEquals("ok", check("1 2 3 L4", "1 2 3", Set.of()));
    }

    @Test
    void aPromotedLearnerCountsByItsOwnHealth() {
        assertEquals("ok", check("1 L2", "1 2", Set.of(2L), Map.of(2L, 10L), 10));
        assertEquals("UNHEALTHY_CLUSTER", check("1 L2", "1 2", Set.of(), Map.of(2L, 10L), 10));
    }

    @Test
    void aLearnerIsPromotedOnceItHoldsNinetyPercentOfTheLeadersLog() {
        assertEquals("ok", check("1 2 3 L4", "1 2 3 4", Set.of(2L, 3L, 4L), Map.of(4L, 90L), 100));
        assertEquals("LEARNER_NOT_CAUGHT_UP", check("1 2 3 L4", "1 2 3 4", Set.of(2L, 3L, 4L), Map.of(4L, 89L), 100));
        // 90% of 12 is 10.8: index 10 is not enough
        assertEquals("LEARNER_NOT_CAUGHT_UP", check("1 2 3 L4", "1 2 3 4", Set.of(2L, 3L, 4L), Map.of(4L, 10L), 12));
        assertEquals("ok", check("1 2 3 L4", "1 2 3 4", Set.of(2L, 3L, 4L), Map.of(4L, 11L), 12));
        assertEquals("ok", check("1 2 3 L4", "1 2 3 4", Set.of(2L, 3L, 4L), Map.of(), 0), "nothing to catch up on");
    }

    @Test
    void refusalsSayWhy() {
        ProposeResult.Rejected unhealthy = ReconfigurationGuard.check(members("1 2 3"), members("1 2 3 4"), 1,
                id -> id == 2, id -> 0, 0).orElseThrow();
        assertEquals("the change would leave 2 healthy voters of 4, below a quorum of 3 (unhealthy cluster)",
                unhealthy.detail());
        assertEquals(1, unhealthy.leaderHint());
        ProposeResult.Rejected behind = ReconfigurationGuard.check(members("1 L2"), members("1 2"), 1,
                id -> true, id -> 3, 40).orElseThrow();
        assertEquals("learner 2 is not in sync with the leader: it holds the log up to index 3 of 40, and needs 36 (90%)",
                behind.detail());
    }
}
