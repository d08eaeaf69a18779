package io.tern.server.compaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.engine.state.CommandResult;
import io.tern.raft.node.Applied;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The leader's automatic compaction on a clock and a revision the test moves, with the log faked. */
class AutoCompactorTest {

    private long now = 5_000_000_000L;
    private long revision = 100;
    /** The revision at each moment the test moved to, to judge what each compaction dropped. */
    private final TreeMap<Long, Long> revisionAt = new TreeMap<>(Map.of(now, revision));
    private final List<Long> proposed = new ArrayList<>();
    private final List<Long> proposedAtNanos = new ArrayList<>();
    private final List<CompletableFuture<Applied>> inFlight = new ArrayList<>();

    private AutoCompactor compactor(AutoCompaction policy) {
        return new AutoCompactor(policy, () -> revision, target -> {
            proposed.add(target);
            proposedAtNanos.add(now);
            CompletableFuture<Applied> applied = new CompletableFuture<>();
            inFlight.add(applied);
            return applied;
        }, Runnable::run, () -> now, () -> { });
    }

    /** Moves the clock by {@code millis} while {@code writes} revisions are written, then checks. */
    private void advanceAndCheck(AutoCompactor compactor, long millis, long writes) {
        now += TimeUnit.MILLISECONDS.toNanos(millis);
        revision += writes;
        revisionAt.put(now, revision);
        compactor.check();
    }

    /** Applies every compaction proposed so far, each an entry of its own that takes the next revision. */
    private void applyAll() {
        for (CompletableFuture<Applied> applied : inFlight) {
            revision++;
            applied.complete(new Applied(revision, new CommandResult.Written()));
        }
        inFlight.clear();
    }

    @Test
    void periodicNeverCompactsHistoryYoungerThanTheRetention() {
        Duration retention = Duration.ofSeconds(10);
        AutoCompactor compactor = compactor(new AutoCompaction.Periodic(retention));
        compactor.leadershipChanged(true, 2);
        for (int step = 0; step < 300; step++) {
            advanceAndCheck(compactor, 100 + (step * 37) % 400, step % 7);
            applyAll();
        }
        assertTrue(proposed.size() >= 5, "it compacted over 90 s of 10 s retention, proposed " + proposed);
        for (int i = 0; i < proposed.size(); i++) {
            long retentionAgo = proposedAtNanos.get(i) - retention.toNanos();
            long revisionThen = revisionAt.floorEntry(retentionAgo).getValue();
            assertTrue(proposed.get(i) <= revisionThen, "compaction " + i + " to " + proposed.get(i)
                    + " drops history younger than the retention (the revision then was " + revisionThen + ")");
        }
        for (int i = 1; i < proposedAtNanos.size(); i++) {
            assertTrue(proposedAtNanos.get(i) - proposedAtNanos.get(i - 1) >= retention.toNanos(),
                    "at most one compaction per period (the retention, under an hour)");
            assertTrue(proposed.get(i) > proposed.get(i - 1), "each compaction goes further than the last");
        }
    }

    @Test
    void periodicCompactsToTheRevisionItSawARetentionAgo() {
        AutoCompactor compactor = compactor(new AutoCompaction.Periodic(Duration.ofSeconds(10)));
        compactor.leadershipChanged(true, 2);
        advanceAndCheck(compactor, 1_000, 0); // sees 100 at 1 s
        advanceAndCheck(compactor, 1_000, 50); // sees 150 at 2 s
        advanceAndCheck(compactor, 8_999, 50);
        assertEquals(List.of(), proposed, "nothing it saw is 10 s old yet");
        advanceAndCheck(compactor, 1, 0); // 11 s: 100 is exactly 10 s old
        assertEquals(List.of(100L), proposed);
    }

    @Test
    void periodicStartsItsClockAfreshOnBecomingLeader() {
        AutoCompactor compactor = compactor(new AutoCompaction.Periodic(Duration.ofSeconds(10)));
        advanceAndCheck(compactor, 60_000, 500);
        compactor.leadershipChanged(true, 3);
        advanceAndCheck(compactor, 1_000, 0);
        advanceAndCheck(compactor, 9_999, 10);
        assertEquals(List.of(), proposed, "what it saw as a follower does not count");
        advanceAndCheck(compactor, 1, 0);
        assertEquals(List.of(600L), proposed);
    }

    @Test
    void revisionModeCompactsToTheCurrentRevisionMinusTheRetention() {
        AutoCompactor compactor = compactor(new AutoCompaction.Revisions(30));
        compactor.leadershipChanged(true, 2);
        advanceAndCheck(compactor, 300_000, 0);
        assertEquals(List.of(70L), proposed);
        applyAll();
        advanceAndCheck(compactor, 300_000, 0);
        assertEquals(List.of(70L), proposed, "nothing new to compact");
        advanceAndCheck(compactor, 300_000, 25);
        assertEquals(List.of(70L, 96L), proposed, "the compaction's own entry took revision 101");
    }

    @Test
    void revisionModeWaitsUntilThereIsMoreHistoryThanTheRetention() {
        revision = 20;
        AutoCompactor compactor = compactor(new AutoCompaction.Revisions(30));
        compactor.leadershipChanged(true, 2);
        advanceAndCheck(compactor, 300_000, 10);
        assertEquals(List.of(), proposed);
        advanceAndCheck(compactor, 300_000, 1);
        assertEquals(List.of(1L), proposed);
    }

    @Test
    void oneCompactionIsUnderWayAtATimeAndAFailedOneIsTriedAgain() {
        AutoCompactor compactor = compactor(new AutoCompaction.Revisions(30));
        compactor.leadershipChanged(true, 2);
        advanceAndCheck(compactor, 300_000, 0);
        advanceAndCheck(compactor, 300_000, 5);
        assertEquals(List.of(70L), proposed, "the first is still under way");
        inFlight.removeFirst().completeExceptionally(new IllegalStateException("timed out"));
        advanceAndCheck(compactor, 300_000, 0);
        assertEquals(List.of(70L, 75L), proposed);
    }

    @Test
    void aRefusalBecauseHistoryIsAlreadyCompactedIsQuietAndNotRetried() {
        AutoCompactor compactor = compactor(new AutoCompaction.Revisions(30));
        compactor.leadershipChanged(true, 2);
        advanceAndCheck(compactor, 300_000, 0);
        inFlight.removeFirst().complete(new Applied(++revision, new CommandResult.Refused(CommandResult.Refusal.COMPACTED, 90,
                "mvcc: required revision has been compacted")));
        advanceAndCheck(compactor, 300_000, 0);
        assertEquals(List.of(70L), proposed, "history is compacted to 90 already");
        advanceAndCheck(compactor, 300_000, 60);
        assertEquals(List.of(70L, 131L), proposed, "past 90 it compacts again");
    }

    @Test
    void aFollowerNeverCompactsAndALeaderStopsOnLosingLeadership() {
        AutoCompactor compactor = compactor(new AutoCompaction.Revisions(30));
        advanceAndCheck(compactor, 300_000, 100);
        assertEquals(List.of(), proposed, "never led");
        compactor.leadershipChanged(true, 2);
        advanceAndCheck(compactor, 300_000, 0);
        applyAll();
        compactor.leadershipChanged(false, 2);
        for (int i = 0; i < 10; i++) {
            advanceAndCheck(compactor, 300_000, 100);
        }
        assertEquals(List.of(170L), proposed, "nothing after losing leadership");
    }

    @Test
    void anIdleClusterIsNotCompactedForeverByItsOwnCompactionEntries() {
        for (AutoCompaction policy : List.of(new AutoCompaction.Periodic(Duration.ofSeconds(10)),
                new AutoCompaction.Revisions(30))) {
            proposed.clear();
            AutoCompactor compactor = compactor(policy);
            compactor.leadershipChanged(true, 2);
            advanceAndCheck(compactor, 300_000, 0);
            advanceAndCheck(compactor, 300_000, 0);
            applyAll();
            int afterFirst = proposed.size();
            for (int i = 0; i < 20; i++) {
                advanceAndCheck(compactor, 300_000, 0);
                applyAll();
            }
            assertEquals(afterFirst, proposed.size(), policy + ": nothing was written but its own entry " + proposed);
            advanceAndCheck(compactor, 300_000, 5);
            advanceAndCheck(compactor, 300_000, 0);
            assertEquals(afterFirst + 1, proposed.size(), policy + ": a write is history to compact again");
            compactor.leadershipChanged(false, 2);
        }
    }

    @Test
    void offNeverCompacts() {
        AutoCompactor compactor = compactor(AutoCompaction.OFF);
        compactor.leadershipChanged(true, 2);
        for (int i = 0; i < 10; i++) {
            advanceAndCheck(compactor, 3_600_000, 1_000);
        }
        assertEquals(List.of(), proposed);
    }

    @Test
    void periodicChecksTenTimesPerPeriodAndCompactsAtMostHourly() {
        assertEquals(Duration.ofSeconds(1), AutoCompactor.checkInterval(new AutoCompaction.Periodic(Duration.ofSeconds(10))));
        assertEquals(Duration.ofMinutes(6), AutoCompactor.checkInterval(new AutoCompaction.Periodic(Duration.ofHours(72))));
        assertEquals(Duration.ofMinutes(5), AutoCompactor.checkInterval(new AutoCompaction.Revisions(1000)));
    }
}
