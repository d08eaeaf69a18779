package io.tern.verify.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.verify.history.History;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** When a bound is hit the verdict is UNKNOWN: never a guess in either direction. */
@Timeout(60)
class BoundsTest {

    private static History largeValidHistory() {
        return SimulatedStore.run(new SimulatedStore.Settings(7, 12, 3000, List.of("a", "b"), 0.05, 0.02, 0.05));
    }

    @Test
    void aTinyStateBoundGivesUnknown() {
        Verdict verdict = LinearizabilityChecker.check(largeValidHistory(), new CheckConfig(Duration.ofSeconds(30), 50));

        assertEquals(Linearizability.UNKNOWN, verdict.result(), verdict::explain);
        assertTrue(verdict.explain().contains("gave up after 50 states"), verdict.explain());
    }

    @Test
    void anExpiredDeadlineGivesUnknown() {
        Verdict verdict = LinearizabilityChecker.check(largeValidHistory(), new CheckConfig(Duration.ofNanos(1), 1_000_000));

        assertEquals(Linearizability.UNKNOWN, verdict.result(), verdict::explain);
        assertTrue(verdict.explain().contains("gave up at the deadline"), verdict.explain());
    }

    @Test
    void aBoundHitBeforeALateAnomalyIsNeverLinearizableAndAWindowStillProvesIt() {
        HistoryBuilder h = new HistoryBuilder();
        h.add(h.sequentialTraffic("k", 500, 0), """
                write: [0,1] p1 put k new -> ok
                stale: [2,3] p2 get k -> k-seq499
                """);

        Verdict verdict = LinearizabilityChecker.check(h.build(), new CheckConfig(Duration.ofSeconds(30), 100));

        assertEquals(Linearizability.NOT_LINEARIZABLE, verdict.result(), verdict::explain);
        assertTrue(verdict.explain().contains("gave up after 100 states"), verdict.explain());
        assertTrue(verdict.firstWitness().orElseThrow().operationIds().containsAll(List.of(h.id("write"), h.id("stale"))), verdict::explain);
    }

    @Test
    void aWindowFarFromWhereTheSearchStoppedIsFoundBySweeping() {
        HistoryBuilder h = new HistoryBuilder().add("""
                       [0,1] p1 put k old -> ok
                       [2,3] p1 put k new -> ok
                stale: [4,5] p2 get k -> old
                """);
        h.sequentialTraffic("k", 500, 10);

        // The anomaly is first, so a search that gave up early was stuck near it; a bound of
        // one state means it never got there, and only the sweep can find it.
        Verdict verdict = LinearizabilityChecker.check(h.build(), new CheckConfig(Duration.ofSeconds(30), 10));

        assertEquals(Linearizability.NOT_LINEARIZABLE, verdict.result(), verdict::explain);
        assertTrue(verdict.firstWitness().orElseThrow().operationIds().contains(h.id("stale")), verdict::explain);
    }

    @Test
    void aFailureFoundInOnePartitionOutweighsAnotherLeftUnknown() {
        HistoryBuilder h = new HistoryBuilder().add("""
                [0,1] p1 put bad old -> ok
                [2,3] p1 put bad new -> ok
                [4,5] p2 get bad -> old
                """);
        h.sequentialTraffic("big", 500, 0);

        Verdict verdict = LinearizabilityChecker.check(h.build(), new CheckConfig(Duration.ofSeconds(30), 100));

        assertEquals(Linearizability.NOT_LINEARIZABLE, verdict.result(), verdict::explain);
        // Partitions come in key order: "bad", then "big".
        assertEquals(List.of(Linearizability.NOT_LINEARIZABLE, Linearizability.UNKNOWN),
                verdict.partitions().stream().map(PartitionVerdict::result).toList());
    }
}
