package io.tern.raft.core;

import org.junit.jupiter.api.Test;

/** Single-server membership changes, learners, promotion, removal (of the leader too). */
class MembershipScenarioTest {

    @Test
    void newLeaderMustCommitAnEntryOfItsTermBeforeChangingConfiguration() {
        Scenario.run("""
                cluster 1 2 3 spare 4
                campaign 1
                stabilize 1
                expect 1 role=PRE_CANDIDATE
                stabilize
                config 1 add-learner 4
                > accepted index=2 term=1
                """);
    }

    @Test
    void configChangeRefusedUntilNoopCommits() {
        Scenario.run("""
                cluster 1 2 3 spare 4
                campaign 1
                process 1
                deliver
                process 2 3
                deliver
                process 1
                deliver
                process 2 3
                deliver
                expect 1 role=LEADER commit=0
                config 1 add-learner 4
                > rejected CONFIG_CHANGE_PENDING leader=1
                stabilize
                config 1 add-learner 4
                > accepted index=2 term=1
                """);
    }

    @Test
    void oneConfigChangeAtATime() {
        Scenario.run("""
                cluster 1 2 3 spare 4 5
                elect 1
                config 1 add-learner 4
                > accepted index=2 term=1
                config 1 add-learner 5
                > rejected CONFIG_CHANGE_PENDING leader=1
                stabilize
                config 1 add-learner 5
                > accepted index=3 term=1
                """);
    }

    @Test
    void onlyOneVoterMayChangeAtATime() {
        Scenario.run("""
                cluster 1 2 3
                elect 1
                config 1 remove 2
                > accepted index=2 term=1
                stabilize
                # voters {1, 3} to {1}: fine; but {1, 3} to {1, 4, 5} would change two voters
                config 1 add-voter 4
                > accepted index=3 term=1
                """);
    }

    @Test
    void configurationTakesEffectWhenAppendedNotWhenCommitted() {
        Scenario.run("""
                cluster 1 2 3 spare 4
                elect 1
                config 1 add-voter 4
                expect 1 voters=1,2,3,4 commit=1
                process 1
                deliver 1->2
                expect 2 voters=1,2,3,4 commit=1
                # with 4 voters a majority is 3: the leader and node 2 are not enough
                process 2
                deliver 2->1
                expect 1 commit=1
                stabilize
                expect 1 commit=2
                """);
    }

    @Test
    void learnerReceivesEntriesButNeitherVotesNorCounts() {
        Scenario.run("""
                cluster 1 2 3 spare 4
                elect 1
                config 1 add-learner 4
                stabilize
                propose 1 x
                stabilize
                expect-applied 4 x
                expect 4 voters=1,2,3 role=FOLLOWER
                # a learner never campaigns
                repeat 3 tick 4 20
                expect 4 role=FOLLOWER term=1
                # its acknowledgement does not make a quorum
                crash 2
                crash 3
                propose 1 y
                stabilize
                expect-log 4 1/1 2/1 3/1 4/1
                expect 1 commit=3
                """);
    }

    @Test
    void learnerPromotedToVoterCountsAndMayLead() {
        Scenario.run("""
                cluster 1 2 3 spare 4
                # no leader lease, so that node 4 may campaign right after node 1 crashes
                option checkQuorum=false
                elect 1
                config 1 add-learner 4
                stabilize
                config 1 promote 4
                stabilize
                expect 4 voters=1,2,3,4
                crash 2
                propose 1 x
                stabilize
                # 1, 3, 4 are a majority of four
                expect 1 commit=4
                crash 1
                restart 2
                campaign 4
                stabilize
                expect 4 role=LEADER term=2
                """);
    }

    @Test
    void removedFollowerNoLongerCounts() {
        Scenario.run("""
                cluster 1 2 3
                elect 1
                config 1 remove 3
                stabilize
                expect 1 voters=1,2
                crash 3
                propose 1 x
                stabilize
                expect 1 commit=3
                """);
    }

    @Test
    void leaderRemovingItselfStepsDownOnceRemovalCommits() {
        Scenario.run("""
                cluster 1 2 3
                option checkQuorum=false
                elect 1
                config 1 remove 1
                > accepted index=2 term=1
                # it keeps leading (without counting itself) until the change commits
                expect 1 role=LEADER voters=2,3
                process 1
                deliver 1->2
                process 2
                deliver 2->1
                # node 2 alone is not a majority of {2, 3}
                expect 1 role=LEADER commit=1
                stabilize
                expect 1 role=FOLLOWER commit=2 lead=0
                # a node outside the configuration never campaigns
                repeat 5 tick 1 20
                expect 1 role=FOLLOWER term=1
                campaign 2
                stabilize
                expect 2 role=LEADER term=2 voters=2,3
                """);
    }

    @Test
    void removedMemberThatKeepsCampaigningDoesNotDisruptTheCluster() {
        Scenario.run("""
                cluster 1 2 3 4
                elect 1
                # node 4 is cut off and never learns that it was removed
                isolate 4
                config 1 remove 4
                stabilize
                expect 1 voters=1,2,3 commit=2
                expect 4 voters=1,2,3,4
                heal
                repeat 10 tick 4 20; tick 1; stabilize
                expect 1 role=LEADER term=1
                expect 2 term=1 lead=1
                expect 4 term=1
                """);
    }

    @Test
    void removedMemberWithoutPreVoteOrCheckQuorumIsIgnoredByItsTerm() {
        Scenario.run("""
                # only the configuration rule protects here: vote requests from a non-voter whose log is
                # behind ours are ignored, so its inflated term never reaches the cluster
                cluster 1 2 3 4
                option preVote=false checkQuorum=false
                elect 1
                isolate 4
                config 1 remove 4
                stabilize
                repeat 5 tick 4 20
                expect 4 role=CANDIDATE
                heal
                repeat 10 tick 4 20; tick 1; stabilize
                expect 1 role=LEADER term=1
                expect 2 term=1
                expect 3 term=1
                """);
    }

    @Test
    void staleNodeStillVotesForANewVoterItDoesNotKnow() {
        Scenario.run("""
                # node 3 missed the addition of voter 4. Node 4's log is ahead of node 3's, so node 3
                # must not ignore it as a non-member: a stale configuration cannot tell a removed
                # member from a new one, and here node 3's vote completes node 4's majority (3 of 4)
                cluster 1 2 3 spare 4
                option checkQuorum=false
                elect 1
                isolate 3
                config 1 add-voter 4
                stabilize
                propose 1 x
                stabilize
                expect 1 voters=1,2,3,4 commit=3
                expect 3 voters=1,2,3
                crash 1
                heal
                campaign 4
                process 4
                deliver
                process 2 3
                msgs
                > 2->4 PreVoteResponse term=2 granted
                > 3->4 PreVoteResponse term=2 granted
                stabilize
                expect 4 role=LEADER term=2
                expect 3 voters=1,2,3,4 lead=4
                """);
    }

    @Test
    void configurationRevertsWhenItsUncommittedEntryIsTruncated() {
        Scenario.run("""
                cluster 1 2 3 4 5 spare 6
                option checkQuorum=false
                elect 1
                config 1 add-voter 6
                process 1
                deliver 1->2
                expect 2 voters=1,2,3,4,5,6
                crash 1
                partition 2 | 3 4 5 6
                campaign 3
                stabilize 3 4 5
                expect 3 role=LEADER term=2
                heal
                tick 3
                stabilize
                expect-log 2 1/1 2/2
                expect 2 voters=1,2,3,4,5
                """);
    }
}
