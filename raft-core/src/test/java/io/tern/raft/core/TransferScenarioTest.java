package io.tern.raft.core;

import org.junit.jupiter.api.Test;

/** Leadership transfer: catch the target up, stop taking proposals, TimeoutNow, give up after a timeout. */
class TransferScenarioTest {

    @Test
    void upToDateTargetGetsTimeoutNowAndWinsDespiteLeaderStickiness() {
        Scenario.run("""
                cluster 1 2 3
                elect 1
                transfer 1 2
                process 1
                msgs
                > 1->2 TimeoutNow term=1
                deliver
                process 2
                msgs
                > 2->1 RequestVote term=2 last=1/1 transfer
                > 2->3 RequestVote term=2 last=1/1 transfer
                # node 3 heard from leader 1 just now, but a transfer's vote request is not ignored
                stabilize
                expect 2 role=LEADER term=2
                expect 1 role=FOLLOWER term=2 lead=2
                """);
    }

    @Test
    void laggingTargetIsCaughtUpFirstAndProposalsAreRefusedMeanwhile() {
        Scenario.run("""
                cluster 1 2 3
                elect 1
                isolate 3
                propose 1 a
                propose 1 b
                stabilize
                heal
                transfer 1 3
                propose 1 refused
                > rejected LEADERSHIP_TRANSFER_IN_PROGRESS leader=1
                expect 1 transferee=3
                tick 1
                stabilize
                expect 3 role=LEADER term=2
                expect-applied 3 a b
                """);
    }

    @Test
    void transferIsAbandonedAfterAnElectionTimeout() {
        Scenario.run("""
                cluster 1 2 3
                elect 1
                isolate 3
                transfer 1 3
                expect 1 transferee=3
                repeat 9 tick 1; stabilize
                expect 1 transferee=3
                tick 1
                expect 1 role=LEADER transferee=0
                propose 1 x
                > accepted index=2 term=1
                """);
    }

    @Test
    void transferToANonVoterIsRefused() {
        Scenario.run("""
                cluster 1 2 3 learner 4
                elect 1
                transfer 1 4
                > NOT_A_VOTER
                transfer 2 3
                > NOT_LEADER
                """);
    }
}
