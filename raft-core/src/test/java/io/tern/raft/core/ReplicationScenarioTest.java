package io.tern.raft.core;

import org.junit.jupiter.api.Test;

/** Log replication: consistency check, backtracking, truncation, commit rules, pipelining, batching. */
class ReplicationScenarioTest {

    @Test
    void replicatesAndCommitsOnMajority() {
        Scenario.run("""
                cluster 1 2 3
                elect 1
                propose 1 x
                > accepted index=2 term=1
                process 1
                msgs
                > 1->2 AppendEntries term=1 prev=1/1 entries=[2/1] commit=1
                > 1->3 AppendEntries term=1 prev=1/1 entries=[2/1] commit=1
                # one follower's acknowledgement plus the leader's own durable write is a majority
                deliver 1->2
                process 2
                deliver 2->1
                expect 1 commit=2
                stabilize
                expect-applied 1 x
                expect-applied 2 x
                expect-applied 3 x
                """);
    }

    @Test
    void followerAcknowledgesOnlyDurableEntries() {
        Scenario.run("""
                cluster 1 2 3
                elect 1
                propose 1 x
                process 1
                deliver 1->2
                # the acknowledgement is produced with the entry but may leave only after it is persisted
                process 2
                expect 2 durableLast=2
                msgs
                > 1->3 AppendEntries term=1 prev=1/1 entries=[2/1] commit=1
                > 2->1 AppendEntriesResponse term=1 match=2
                """);
    }

    @Test
    void leaderCountsItselfOnlyOnceItsWriteIsDurable() {
        Scenario.run("""
                cluster 1 2 3
                elect 1
                propose 1 x
                # take node 1's Ready but do not persist it yet: its messages go out in parallel
                ready-unpersisted 1
                deliver 1->2
                process 2
                deliver 2->1
                # node 2 holds index 2, but node 1 has not written it yet: 1 of 3 is no majority
                expect 1 commit=1
                persist 1
                expect 1 commit=2
                """);
    }

    @Test
    void batchesManyProposalsIntoOneAppend() {
        Scenario.run("""
                cluster 1 2 3
                elect 1
                propose 1 a
                propose 1 b
                propose 1 c
                process 1
                msgs
                > 1->2 AppendEntries term=1 prev=1/1 entries=[2/1 3/1 4/1] commit=1
                > 1->3 AppendEntries term=1 prev=1/1 entries=[2/1 3/1 4/1] commit=1
                expect 1 durableLast=4
                stabilize
                expect-applied 3 a b c
                """);
    }

    @Test
    void staleLeadersAppendEntriesIsRejectedAndDeposesIt() {
        Scenario.run("""
                cluster 1 2 3
                # without check-quorum the cut-off leader keeps believing it leads
                option checkQuorum=false
                elect 1
                partition 1 | 2 3
                campaign 2
                stabilize
                expect 2 role=LEADER term=2
                # node 1 still believes it leads term 1
                expect 1 role=LEADER term=1
                heal
                propose 1 stale
                process 1
                deliver 1->2
                process 2
                msgs
                > 1->3 AppendEntries term=1 prev=1/1 entries=[2/1] commit=1
                > 2->1 HeartbeatResponse term=2 read=0
                expect-log 2 1/1 2/2
                deliver 2->1
                expect 1 role=FOLLOWER term=2
                # leader 2's probe to node 1 was lost in the partition: its next heartbeat resumes it
                tick 2
                stabilize
                # the stale entry is replaced by the new leader's log
                expect-log 1 1/1 2/2
                expect-applied 1
                """);
    }

    @Test
    void duplicatedOldAppendEntriesDoesNotTruncate() {
        Scenario.run("""
                cluster 1 2 3
                elect 1
                propose 1 a
                process 1
                # the network duplicates the AppendEntries carrying [2]; node 2 gets one copy now
                duplicate 1->2
                deliver 1->2 first
                deliver 1->3
                propose 1 b
                process 1 2
                deliver 1->2 prev=2/1
                process 2
                expect-log 2 1/1 2/1 3/1
                # the old copy (entries [2]) arrives after [3]: it matches, so nothing may be removed
                deliver 1->2
                process 2
                expect-log 2 1/1 2/1 3/1
                msgs
                > 1->3 AppendEntries term=1 prev=2/1 entries=[3/1] commit=1
                > 2->1 AppendEntriesResponse term=1 match=2
                > 2->1 AppendEntriesResponse term=1 match=3
                > 2->1 AppendEntriesResponse term=1 match=2
                stabilize
                expect 1 commit=3
                """);
    }

    @Test
    void truncatesAtFirstRealConflictOnly() {
        Scenario.run("""
                cluster 1 2 3
                option preVote=false
                log 1 1 1 3 3
                log 2 1 1 2 2 2
                log 3 1 1 3 3
                term 1 3
                term 2 3
                term 3 3
                start
                campaign 1
                stabilize
                expect 1 role=LEADER term=4
                # node 2 keeps 1..2, which agree, and loses only its term-2 entries from index 3 on
                expect-log 2 1/1 2/1 3/3 4/3 5/4
                expect 2 commit=5
                """);
    }

    @Test
    void fastBacktrackingSkipsAWholeTermPerRoundTrip() {
        Scenario.run("""
                cluster 1 2 3
                option preVote=false
                log 1 1 4 4 4 4 4 4
                log 2 1 2 2 2 3 3 3 3 3 3
                log 3 1 4 4 4 4 4 4
                term 1 5
                term 2 5
                term 3 5
                start
                campaign 1
                process 1
                drop 1->2
                deliver 1->3
                process 3
                deliver 3->1
                expect 1 role=LEADER term=6
                process 1
                drop 1->3
                deliver 1->2
                process 2
                msgs
                > 2->1 AppendEntriesResponse term=6 reject=7 hint=5/3
                # node 2's term 3 starts at 5; the leader has no term 3, so it jumps straight there
                deliver
                process 1
                msgs
                > 1->2 AppendEntries term=6 prev=4/4 entries=[5/4 6/4 7/4 8/6] commit=0
                deliver
                process 2
                msgs
                > 2->1 AppendEntriesResponse term=6 reject=4 hint=2/2
                # term 2 (indexes 2..4) skipped in one step as well: 3 round trips for 9 mismatched entries
                deliver
                process 1
                msgs
                > 1->2 AppendEntries term=6 prev=1/1 entries=[2/4 3/4 4/4 5/4 6/4 7/4 8/6] commit=0
                stabilize
                expect-log 2 1/1 2/4 3/4 4/4 5/4 6/4 7/4 8/6
                """);
    }

    @Test
    void leaderAppendsNoopAndCommitsEarlierTermsThroughIt() {
        Scenario.run("""
                cluster 1 2 3
                option preVote=false
                log 1 1 1
                log 2 1 1
                log 3 1
                term 1 1
                term 2 1
                term 3 1
                start
                campaign 1
                stabilize
                # index 2 (term 1) commits only because the no-op at 3 (term 2) does
                expect-log 1 1/1 2/1 3/2
                expect 1 commit=3
                expect-log 3 1/1 2/1 3/2
                """);
    }

    @Test
    void figure8EarlierTermEntryOnMajorityIsNotCommittedByCounting() {
        Scenario.run("""
                # Raft paper, figure 8: (c) node 1 leads term 4 and gets its term-2 entry at index 2
                # onto a majority (1, 2, 3); that must not commit it, because ...
                cluster 1 2 3 4 5
                option preVote=false checkQuorum=false maxAppendBytes=1
                log 1 1 2
                log 2 1 2
                log 3 1
                log 4 1
                log 5 1 3
                term 1 3
                term 2 3
                term 3 3 vote 5
                term 4 3 vote 5
                term 5 3 vote 5
                start
                crash 5
                campaign 1
                process 1
                deliver
                process 2 3 4
                deliver
                expect 1 role=LEADER term=4 last=3
                process 1
                drop 1->4
                deliver
                process 2 3
                deliver
                process 1
                msgs
                > 1->3 AppendEntries term=4 prev=1/1 entries=[2/2] commit=0
                deliver
                process 3
                deliver
                expect-log 3 1/1 2/2
                expect 1 commit=0
                # ... (d) node 1 crashes and node 5, whose last term 3 beats term 2, wins term 5 with
                # votes from 3 and 4 and overwrites index 2 everywhere
                crash 1
                restart 5
                campaign 5
                stabilize 2 3 4 5
                campaign 5
                stabilize 2 3 4 5
                expect 5 role=LEADER term=5
                expect-log 3 1/1 2/3 3/5
                """);
    }

    @Test
    void figure8EarlierTermEntryCommitsOnceCurrentTermEntryDoes() {
        Scenario.run("""
                # (e) of figure 8: node 1 gets its own term-4 entry onto a majority; now index 2 is safe
                cluster 1 2 3 4 5
                option preVote=false checkQuorum=false maxAppendBytes=1
                log 1 1 2
                log 2 1 2
                log 3 1
                log 4 1
                log 5 1 3
                term 1 3
                term 2 3
                term 3 3 vote 5
                term 4 3 vote 5
                term 5 3 vote 5
                start
                crash 5
                campaign 1
                stabilize 1 2 3 4
                expect 1 role=LEADER term=4 commit=3
                restart 5
                campaign 5
                stabilize
                # node 5 cannot win any more: a majority holds a log more up to date than its own
                expect 5 role=FOLLOWER
                expect 1 role=LEADER term=4
                """);
    }

    @Test
    void pipelinesUpToTheWindowAndFallsBackToProbeAfterRejection() {
        Scenario.run("""
                cluster 1 2
                option inflight=2 maxAppendBytes=1
                elect 1
                expect 1 progress2=REPLICATE
                propose 1 a
                propose 1 b
                propose 1 c
                process 1
                # two AppendEntries in flight, the third waits for room in the window
                msgs
                > 1->2 AppendEntries term=1 prev=1/1 entries=[2/1] commit=1
                > 1->2 AppendEntries term=1 prev=2/1 entries=[3/1] commit=1
                expect 1 progress2=REPLICATE[match=1,next=4
                # the first is lost: the second is refused, and the leader probes one at a time
                drop 1->2 AppendEntries prev=1/1
                deliver
                process 2
                msgs
                > 2->1 AppendEntriesResponse term=1 reject=2 hint=2/0
                deliver
                expect 1 progress2=PROBE[match=1,next=2
                process 1
                msgs
                > 1->2 AppendEntries term=1 prev=1/1 entries=[2/1] commit=1
                stabilize
                expect 1 progress2=REPLICATE[match=4,next=5 commit=4
                expect-log 2 1/1 2/1 3/1 4/1
                """);
    }

    @Test
    void heartbeatAnswerResendsWhenAppendsWereLost() {
        Scenario.run("""
                cluster 1 2 3
                elect 1
                propose 1 a
                process 1
                drop
                tick 1
                stabilize
                # the heartbeat's answer shows the followers lag: the leader sends again and commits
                expect 1 commit=2
                expect-applied 2 a
                """);
    }

    @Test
    void leaderRefusesProposalsWhileTooMuchIsUncommitted() {
        Scenario.run("""
                cluster 1 2 3
                option maxUncommittedBytes=4
                elect 1
                isolate 1
                propose 1 ab
                > accepted index=2 term=1
                propose 1 cd
                > accepted index=3 term=1
                propose 1 e
                > rejected OVERLOADED leader=1
                heal
                tick 1
                stabilize
                expect 1 commit=3
                propose 1 e
                > accepted index=4 term=1
                """);
    }

    @Test
    void aMemberWhoseApplierIsBehindIsHandedNothingMoreToApplyAndLeadingRefusesProposals() {
        Scenario.run("""
                cluster 1 2 3
                elect 1
                propose 1 a
                stabilize
                expect-applied 1 a
                expect-applied 3 a
                applier-behind 3 on
                propose 1 b
                stabilize
                # committed on the follower, but held in its log until its applier catches up
                expect 3 commit=3 applied=2
                expect-applied 3 a
                applier-behind 3 off
                stabilize
                expect 3 applied=3
                expect-applied 3 a b
                applier-behind 1 on
                propose 1 c
                > rejected OVERLOADED leader=1
                applier-behind 1 off
                propose 1 c
                > accepted index=4 term=1
                """);
    }

    @Test
    void aProposalOverTheEntryLimitIsRefusedAndNothingIsAppended() {
        Scenario.run("""
                cluster 1 2 3
                option maxEntryBytes=4
                elect 1
                propose 1 abcde
                > rejected TOO_LARGE leader=1
                expect 1 last=1
                propose 1 abcd
                > accepted index=2 term=1
                stabilize
                expect-applied 2 abcd
                """);
    }
}
