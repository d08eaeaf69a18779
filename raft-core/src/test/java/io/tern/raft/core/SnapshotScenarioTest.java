package io.tern.raft.core;

import org.junit.jupiter.api.Test;

/** Snapshots: a follower that needs compacted entries gets InstallSnapshot, then the log after it. */
class SnapshotScenarioTest {

    @Test
    void followerBehindCompactionGetsSnapshotThenTheLogAfterIt() {
        Scenario.run("""
                cluster 1 2 3
                elect 1
                crash 3
                propose 1 a
                propose 1 b
                propose 1 c
                stabilize
                snapshot 1 compact
                expect 1 first=5 commit=4
                propose 1 d
                stabilize
                restart 3
                tick 1
                stabilize 1 3
                expect-log 3 5/1
                expect 3 first=5 commit=5 applied=5
                expect-applied 3 a b c d
                """);
    }

    @Test
    void snapshotIsSentWhenProbeFindsCompactedEntries() {
        Scenario.run("""
                cluster 1 2 3
                elect 1
                crash 3
                propose 1 a
                stabilize
                snapshot 1 compact
                restart 3
                tick 1
                process 1
                deliver 1->3
                process 3
                deliver 3->1
                # node 3 answers the heartbeat; the leader probes, is refused, and finds index 2 compacted
                process 1
                deliver 1->3
                process 3
                deliver 3->1
                process 1
                msgs
                > 1->2 Heartbeat term=1 commit=2 read=0
                > 1->3 InstallSnapshot term=1 snapshot=2/1
                expect 1 progress3=SNAPSHOT[match=1,next=2,snapshot=2
                stabilize
                # acknowledged: probe from just after the snapshot (REPLICATE again with the next entry)
                expect 1 progress3=PROBE[match=2,next=3
                expect-applied 3 a
                propose 1 b
                stabilize
                expect 1 progress3=REPLICATE[match=3,next=4
                """);
    }

    @Test
    void lostSnapshotIsSentAgainAfterTimeout() {
        Scenario.run("""
                cluster 1 2 3
                option snapshotTimeout=5
                elect 1
                crash 3
                propose 1 a
                stabilize
                snapshot 1 compact
                restart 3
                tick 1
                repeat 2 process 1; deliver; process 3; deliver
                process 1
                drop 1->3 InstallSnapshot
                expect 1 progress3=SNAPSHOT
                # nothing else goes to node 3 while its snapshot is under way
                repeat 4 tick 1; stabilize 1 2
                expect 1 progress3=SNAPSHOT
                tick 1
                expect 1 progress3=PROBE
                stabilize
                expect-applied 3 a
                """);
    }

    @Test
    void driverReportedSnapshotFailureRetries() {
        Scenario.run("""
                cluster 1 2 3
                elect 1
                crash 3
                propose 1 a
                stabilize
                snapshot 1 compact
                restart 3
                tick 1
                repeat 2 process 1; deliver; process 3; deliver
                process 1
                drop 1->3 InstallSnapshot
                report-snapshot 1 3 fail
                expect 1 progress3=PROBE[match=1,next=2
                stabilize
                expect-applied 3 a
                """);
    }

    @Test
    void staleSnapshotIsNotInstalled() {
        Scenario.run("""
                cluster 1 2 3
                elect 1
                crash 3
                propose 1 a
                stabilize
                snapshot 1 compact
                restart 3
                tick 1
                stabilize 1 3
                duplicate 1->3 InstallSnapshot
                expect-applied 3 a
                # a snapshot arriving late covers nothing new: answered with the commit index, not installed
                propose 1 b
                stabilize
                expect 3 commit=3
                """);
    }

    @Test
    void followerRestartsFromItsInstalledSnapshot() {
        Scenario.run("""
                cluster 1 2 3
                elect 1
                crash 3
                propose 1 a
                propose 1 b
                stabilize
                snapshot 1 compact
                restart 3
                tick 1
                stabilize
                crash 3
                restart 3
                expect 3 first=4 applied=3 last=3
                expect-applied 3 a b
                """);
    }
}
