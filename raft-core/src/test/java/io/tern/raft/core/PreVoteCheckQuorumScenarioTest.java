package io.tern.raft.core;

import org.junit.jupiter.api.Test;

/** Pre-vote, check-quorum and leader stickiness: a node that was cut off cannot depose a healthy leader. */
class PreVoteCheckQuorumScenarioTest {

    @Test
    void preVoteMessagesDoNotChangeTerms() {
        Scenario.run("""
                cluster 1 2 3
                elect 1
                # node 3 is cut off and times out again and again: with pre-vote its term never moves
                isolate 3
                repeat 5 tick 3 20; stabilize
                expect 3 role=PRE_CANDIDATE term=1
                heal
                tick 1
                stabilize
                expect 1 role=LEADER term=1
                expect 3 role=FOLLOWER term=1 lead=1
                """);
    }

    @Test
    void withoutPreVoteARejoiningNodeDeposesTheLeader() {
        Scenario.run("""
                # the contrast: what pre-vote and check-quorum prevent
                cluster 1 2 3
                option preVote=false checkQuorum=false
                elect 1
                isolate 3
                repeat 5 tick 3 20; stabilize
                expect 3 role=CANDIDATE
                heal
                tick 1
                stabilize
                # its answer to the leader's heartbeat carries its inflated term: the leader steps down
                expect 1 role=FOLLOWER
                expect 2 role=FOLLOWER
                """);
    }

    @Test
    void preVoteRequiresUpToDateLog() {
        Scenario.run("""
                cluster 1 2 3
                elect 1
                isolate 3
                propose 1 x
                stabilize
                # node 3 lacks index 2; after the leader vanishes it still cannot win a pre-vote
                crash 1
                heal
                repeat 3 tick 3 10
                stabilize 2 3
                # node 2 refuses (its log is longer), node 1 is gone: no majority, no term change
                expect 3 role=PRE_CANDIDATE term=1
                expect 2 term=1
                campaign 2
                stabilize 2 3
                expect 2 role=LEADER term=2
                """);
    }

    @Test
    void leaderStepsDownWithoutHearingFromQuorumWithinElectionTimeout() {
        Scenario.run("""
                cluster 1 2 3
                elect 1
                isolate 1
                # the first check (tick 10) still counts the answers heard during the election;
                # the second one (tick 20) finds no quorum heard within the last election timeout
                repeat 19 tick 1; stabilize
                expect 1 role=LEADER
                tick 1
                expect 1 role=FOLLOWER term=1 lead=0
                """);
    }

    @Test
    void leaderStaysWhileQuorumAnswers() {
        Scenario.run("""
                cluster 1 2 3
                elect 1
                # one follower is enough for a quorum of three
                partition 1 2 | 3
                repeat 50 tick 1; stabilize
                expect 1 role=LEADER term=1
                """);
    }

    @Test
    void followersIgnoreVoteRequestsWhileTheyHearFromALeader() {
        Scenario.run("""
                cluster 1 2 3
                option preVote=false
                elect 1
                # node 3 campaigns at a higher term, but nodes 1 and 2 heard from leader 1 just now:
                # they ignore it without even adopting its term
                campaign 3
                stabilize
                expect 3 role=CANDIDATE term=2
                expect 1 role=LEADER term=1
                expect 2 role=FOLLOWER term=1 lead=1
                """);
    }

    @Test
    void staleLeaderLearnsNewTermFromAnyAnswer() {
        Scenario.run("""
                cluster 1 2 3
                option checkQuorum=false
                elect 1
                partition 1 | 2 3
                campaign 2
                stabilize
                heal
                # its heartbeat is answered with term 2: it steps down
                tick 1
                stabilize
                expect 1 role=FOLLOWER term=2
                tick 2
                stabilize
                expect 1 role=FOLLOWER term=2 lead=2
                """);
    }
}
