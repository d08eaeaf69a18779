package io.tern.raft.core;

import org.junit.jupiter.api.Test;

/** Elections: who may win, who may vote, and what must be durable first. */
class ElectionScenarioTest {

    @Test
    void candidateWinsWithMajorityAndAppendsNoop() {
        Scenario.run("""
                cluster 1 2 3
                campaign 1
                process 1
                msgs
                > 1->2 PreVote term=1 last=0/0
                > 1->3 PreVote term=1 last=0/0
                deliver
                process 2 3
                msgs
                > 2->1 PreVoteResponse term=1 granted
                > 3->1 PreVoteResponse term=1 granted
                # pre-votes change nobody's term
                expect 2 term=0 vote=0
                deliver
                expect 1 role=CANDIDATE term=1 vote=1
                stabilize
                expect 1 role=LEADER term=1 lead=1 commit=1 last=1
                expect-log 2 1/1
                expect 2 role=FOLLOWER term=1 lead=1 vote=1 commit=1
                expect 3 role=FOLLOWER term=1 lead=1 vote=1 commit=1
                """);
    }

    @Test
    void candidateVoteAndTermAreDurableBeforeRequestVoteLeaves() {
        Scenario.run("""
                cluster 1 2 3
                option preVote=false
                campaign 1
                # the RequestVotes exist only once node 1's Ready (term 1, vote 1) is persisted
                msgs
                process 1
                expect 1 durableTerm=1 durableVote=1
                msgs
                > 1->2 RequestVote term=1 last=0/0
                > 1->3 RequestVote term=1 last=0/0
                deliver 1->2
                process 2
                # the grant leaves with (after) the persisted vote
                expect 2 durableTerm=1 durableVote=1
                msgs
                > 1->3 RequestVote term=1 last=0/0
                > 2->1 RequestVoteResponse term=1 granted
                """);
    }

    @Test
    void oneVotePerTerm() {
        Scenario.run("""
                cluster 1 2 3
                option preVote=false
                campaign 1
                campaign 2
                process 1 2
                # node 3 grants the first request of term 1 and refuses the second
                deliver 1->3
                deliver 2->3
                process 3
                msgs
                > 1->2 RequestVote term=1 last=0/0
                > 2->1 RequestVote term=1 last=0/0
                > 3->1 RequestVoteResponse term=1 granted
                > 3->2 RequestVoteResponse term=1 rejected
                expect 3 vote=1 durableVote=1
                stabilize
                expect 1 role=LEADER term=1
                expect 2 role=FOLLOWER term=1 lead=1
                """);
    }

    @Test
    void voteDeniedToCandidateWithShorterLog() {
        Scenario.run("""
                cluster 1 2 3
                option preVote=false
                log 1 1
                log 2 1 1
                log 3 1 1
                term 1 1
                term 2 1
                term 3 1
                start
                campaign 1
                stabilize
                # same last term, shorter log: refused by both, so node 1 has lost and follows again
                expect 1 role=FOLLOWER term=2 vote=1
                expect 2 vote=0 term=2
                expect 3 vote=0 term=2
                campaign 2
                stabilize
                expect 2 role=LEADER term=3
                """);
    }

    @Test
    void voteDeniedToCandidateWithOlderLastTerm() {
        Scenario.run("""
                cluster 1 2 3
                option preVote=false
                log 1 1 1 1
                log 2 1 2
                term 1 2
                term 2 2
                term 3 2
                start
                # a longer log with an older last term is less up to date
                campaign 1
                stabilize 1 2
                expect 1 role=CANDIDATE term=3
                expect 2 vote=0 term=3
                """);
    }

    @Test
    void electionTimeoutIsRandomizedBetweenTAndTwoT() {
        // Scenario form is unwieldy for a statistical claim; see ElectionTimeoutTest.
        ElectionTimeoutTest.assertTimeoutsCoverRange(10);
    }

    @Test
    void higherTermTurnsLeaderIntoFollower() {
        Scenario.run("""
                cluster 1 2 3
                option preVote=false checkQuorum=false
                elect 1
                expect 1 role=LEADER term=1
                campaign 2
                stabilize
                expect 1 role=FOLLOWER term=2 lead=2
                expect 2 role=LEADER term=2
                """);
    }

    @Test
    void splitVoteRetriesInHigherTerm() {
        Scenario.run("""
                cluster 1 2 3 4
                option preVote=false
                campaign 1
                campaign 2
                process 1 2
                deliver 1->3
                deliver 2->4
                stabilize
                # two votes each out of four: both lose and wait for their next timeout
                expect 1 role=FOLLOWER term=1 vote=1
                expect 2 role=FOLLOWER term=1 vote=2
                campaign 1
                stabilize
                expect 1 role=LEADER term=2
                """);
    }

    @Test
    void singleNodeElectsItselfAndCommitsAfterOwnWrite() {
        Scenario.run("""
                cluster 1
                campaign 1
                expect 1 role=LEADER term=1 commit=0 last=1
                process 1
                # the no-op counts only once durable; then it commits
                expect 1 commit=1
                propose 1 x
                > accepted index=2 term=1
                stabilize
                expect 1 commit=2 applied=2
                expect-applied 1 x
                """);
    }
}
