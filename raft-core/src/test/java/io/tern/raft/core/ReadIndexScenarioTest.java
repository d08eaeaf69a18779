package io.tern.raft.core;

import org.junit.jupiter.api.Test;

/** Linearizable reads with ReadIndex: no log write, confirmed by a heartbeat round, batched. */
class ReadIndexScenarioTest {

    @Test
    void readBecomesSafeOnceQuorumAnswersAHeartbeatSentAfterIt() {
        Scenario.run("""
                cluster 1 2 3
                elect 1
                propose 1 x
                stabilize
                read 1 r1
                process 1
                msgs
                > 1->2 Heartbeat term=1 commit=2 read=1
                > 1->3 Heartbeat term=1 commit=2 read=1
                expect-reads 1
                deliver 1->2
                process 2
                deliver 2->1
                process 1
                # leader + node 2 confirmed leadership after the read arrived; read at commit index 2
                expect-reads 1 r1@2
                expect 1 last=2
                """);
    }

    @Test
    void manyReadsShareOneHeartbeatRound() {
        Scenario.run("""
                cluster 1 2 3
                elect 1
                read 1 r1
                read 1 r2
                read 1 r3
                process 1
                msgs
                > 1->2 Heartbeat term=1 commit=1 read=1
                > 1->3 Heartbeat term=1 commit=1 read=1
                stabilize
                expect-reads 1 r1@1 r2@1 r3@1
                """);
    }

    @Test
    void answerToAnOlderRoundDoesNotConfirmANewerRead() {
        Scenario.run("""
                cluster 1 2 3
                elect 1
                read 1 r1
                process 1
                read 1 r2
                process 1
                # answers to round 1 arrive: only r1 is safe; r2 arrived after round 1 was sent
                deliver read=1
                process 2 3
                deliver
                process 1
                expect-reads 1 r1@1
                stabilize
                expect-reads 1 r2@1
                """);
    }

    @Test
    void newLeaderDefersReadsUntilItCommitsAnEntryOfItsTerm() {
        Scenario.run("""
                cluster 1 2 3
                option checkQuorum=false preVote=false
                elect 1
                propose 1 x
                stabilize
                campaign 2
                process 2
                deliver
                process 1 3
                deliver
                expect 2 role=LEADER term=2 commit=2 last=3
                # its commit index may lag what was committed before it: wait for its no-op
                read 2 r1
                process 2
                msgs
                > 2->1 AppendEntries term=2 prev=2/1 entries=[3/2] commit=2
                > 2->3 AppendEntries term=2 prev=2/1 entries=[3/2] commit=2
                stabilize
                expect-reads 2 r1@3
                """);
    }

    @Test
    void readAbandonedWhenLeadershipIsLost() {
        Scenario.run("""
                cluster 1 2 3
                elect 1
                isolate 1
                read 1 r1
                repeat 20 tick 1; stabilize
                expect 1 role=FOLLOWER
                expect-reads 1 r1@abandoned
                """);
    }

    @Test
    void staleLeaderCannotConfirmAReadAfterANewLeaderWrote() {
        Scenario.run("""
                cluster 1 2 3
                option checkQuorum=false
                elect 1
                partition 1 | 2 3
                campaign 2
                stabilize
                propose 2 new
                stabilize 2 3
                expect 2 commit=3
                # the old leader still believes it leads, but no quorum answers its round
                read 1 r1
                stabilize
                expect-reads 1
                heal
                tick 1
                stabilize
                expect 1 role=FOLLOWER term=2
                expect-reads 1 r1@abandoned
                """);
    }

    @Test
    void followerRefusesReadIndex() {
        Scenario.run("""
                cluster 1 2 3
                elect 1
                read 2 r1
                > NOT_LEADER
                """);
    }

    @Test
    void singleVoterConfirmsReadsAtOnce() {
        Scenario.run("""
                cluster 1
                elect 1
                read 1 r1
                process 1
                expect-reads 1 r1@1
                """);
    }
}
