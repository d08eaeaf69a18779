package io.tern.raft.core;

import org.junit.jupiter.api.Test;

/**
 * etcd's strict reconfiguration check: a leader refuses a change of voters that would leave fewer
 * voters it has heard from within an election timeout than a quorum, and refuses to promote a
 * learner that is not in sync with it. Changes that leave the voters as they are (learners) pass.
 */
class StrictReconfigurationScenarioTest {

    @Test
    void aSingleMemberClusterTakesANewVoterOnlyAsALearnerThatCaughtUp() {
        Scenario.run("""
                cluster 1 spare 2
                elect 1
                # two voters need both, and the leader has never heard from node 2: it might never answer
                config 1 add-voter 2
                > rejected UNHEALTHY_CLUSTER leader=1: the change would leave 1 healthy voter of 2, below a quorum of 2 (unhealthy cluster)
                expect 1 voters=1 last=1
                config 1 add-learner 2
                > accepted index=2 term=1
                stabilize
                config 1 promote 2
                > accepted index=3 term=1
                stabilize
                expect 1 voters=1,2 commit=3
                expect 2 voters=1,2 commit=3
                """);
    }

    @Test
    void aVoterHeardFromWithinAnElectionTimeoutIsHealthy() {
        Scenario.run("""
                cluster 1 2 3 spare 4
                elect 1
                crash 3
                # node 3 answered last during the election, nine ticks ago: still within the timeout of ten
                repeat 9 tick 1; stabilize
                config 1 add-voter 4
                > accepted index=2 term=1
                """);
    }

    @Test
    void aVoterNotHeardFromWithinAnElectionTimeoutIsNotHealthy() {
        Scenario.run("""
                cluster 1 2 3 spare 4
                elect 1
                crash 3
                repeat 10 tick 1; stabilize
                expect 1 role=LEADER
                # four voters need three; only the leader and node 2 are healthy
                config 1 add-voter 4
                > rejected UNHEALTHY_CLUSTER leader=1: the change would leave 2 healthy voters of 4, below a quorum of 3 (unhealthy cluster)
                # {1, 3} would need node 3
                config 1 remove 2
                > rejected UNHEALTHY_CLUSTER leader=1: the change would leave 1 healthy voter of 2, below a quorum of 2 (unhealthy cluster)
                # and so would {2, 3} if the leader removed itself
                config 1 remove 1
                > rejected UNHEALTHY_CLUSTER leader=1: the change would leave 1 healthy voter of 2, below a quorum of 2 (unhealthy cluster)
                # learners do not count toward a quorum: adding one is always fine
                config 1 add-learner 4
                > accepted index=2 term=1
                stabilize
                # removing the silent voter itself leaves {1, 2}, both healthy
                config 1 remove 3
                > accepted index=3 term=1
                stabilize
                expect 1 voters=1,2 commit=3
                """);
    }

    @Test
    void aVoterHeardFromAgainIsHealthyAgain() {
        Scenario.run("""
                cluster 1 2 3 spare 4
                elect 1
                crash 3
                repeat 10 tick 1; stabilize
                config 1 add-voter 4
                > rejected UNHEALTHY_CLUSTER leader=1: the change would leave 2 healthy voters of 4, below a quorum of 3 (unhealthy cluster)
                restart 3
                tick 1
                stabilize
                config 1 add-voter 4
                > accepted index=2 term=1
                """);
    }

    @Test
    void healthDoesNotDependOnCheckQuorum() {
        Scenario.run("""
                cluster 1 2 3 spare 4
                option checkQuorum=false
                elect 1
                crash 3
                repeat 30 tick 1; stabilize
                config 1 add-voter 4
                > rejected UNHEALTHY_CLUSTER leader=1: the change would leave 2 healthy voters of 4, below a quorum of 3 (unhealthy cluster)
                """);
    }

    @Test
    void aLearnerIsPromotedOnlyOnceInSyncWithTheLeader() {
        Scenario.run("""
                cluster 1 2 3 spare 4
                elect 1
                isolate 4
                config 1 add-learner 4
                > accepted index=2 term=1
                repeat 10 propose 1 x
                stabilize
                expect 1 commit=12
                config 1 promote 4
                > rejected LEARNER_NOT_CAUGHT_UP leader=1: learner 4 is not in sync with the leader: it holds the log up to index 0 of 12, and needs 11 (90%)
                expect 1 voters=1,2,3 last=12
                heal
                tick 1
                stabilize
                expect 4 commit=12
                config 1 promote 4
                > accepted index=13 term=1
                stabilize
                expect 1 voters=1,2,3,4 commit=13
                """);
    }
}
