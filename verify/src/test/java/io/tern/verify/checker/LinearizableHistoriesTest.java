package io.tern.verify.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tern.verify.history.History;
import io.tern.verify.history.HistoryText;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Histories that are linearizable: the checker must say so, or it cries wolf. Each is written in
 * {@link HistoryText}'s form: {@code [invoked,completed] process call -> outcome}, times in ms.
 */
@Timeout(30)
class LinearizableHistoriesTest {

    static final CheckConfig OPTIONS = new CheckConfig(Duration.ofSeconds(20), 1_000_000);

    static void assertLinearizable(String text) {
        History history = HistoryText.parse(text);
        Verdict verdict = LinearizabilityChecker.check(history, OPTIONS);
        assertEquals(Linearizability.LINEARIZABLE, verdict.result(), verdict::explain);
    }

    @Test
    void anEmptyHistory() {
        assertLinearizable("");
    }

    @Test
    void oneClientDoingEverythingInTurn() {
        assertLinearizable("""
                [0,1] p1 get k -> nil
                [2,3] p1 put k v1 -> ok
                [4,5] p1 get k -> v1
                [6,7] p1 cas k v1 v2 -> ok
                [8,9] p1 cas k v1 v3 -> mismatch v2
                [10,11] p1 delete k -> ok existed
                [12,13] p1 delete k -> ok absent
                [14,15] p1 cas k nil v4 -> ok
                [16,17] p1 get k -> v4
                """);
    }

    @Test
    void concurrentWritesMayLandInEitherOrderAndReadsDuringThemSeeEither() {
        assertLinearizable("""
                [0,10] p1 put k v1 -> ok
                [0,10] p2 put k v2 -> ok
                [2,3] p3 get k -> v1
                [4,5] p3 get k -> v2
                [11,12] p4 get k -> v2
                """);
        assertLinearizable("""
                [0,10] p1 put k v1 -> ok
                [0,10] p2 put k v2 -> ok
                [2,3] p3 get k -> v2
                [11,12] p4 get k -> v1
                """);
    }

    @Test
    void operationsThatOnlyTouchInTimeCountAsConcurrent() {
        assertLinearizable("""
                [0,5] p1 put k v1 -> ok
                [5,6] p2 get k -> nil
                """);
    }

    @Test
    void aChainOfCompareAndSetsWithRacingLosers() {
        assertLinearizable("""
                [0,4] p1 cas k nil v1 -> ok
                [1,5] p2 cas k nil x1 -> mismatch v1
                [6,9] p2 cas k v1 v2 -> ok
                [7,12] p3 cas k v2 v3 -> ok
                [8,14] p1 cas k v1 x2 -> mismatch v3
                [15,16] p1 cas k v3 nil -> ok
                [17,18] p2 get k -> nil
                """);
    }

    @Test
    void aBatchAcrossKeysIsSeenWholeOnEveryKey() {
        assertLinearizable("""
                [0,1] p1 put a a1 -> ok
                [0,1] p1 put b b1 -> ok
                [2,20] p2 batch put a a2, delete b, put c c2 -> ok
                [3,4] p3 get b -> b1
                [5,6] p3 get a -> a2
                [7,8] p4 get b -> nil
                [9,10] p4 get c -> c2
                [11,12] p5 put c c3 -> ok
                [21,22] p5 get a -> a2
                """);
    }

    @Test
    void anUnknownWriteMayBecomeVisibleLongAfterItsClientGaveUp() {
        assertLinearizable("""
                [0,1] p1 put k v1 -> ok
                [2,?] p2 put k late -> ? TIMEOUT
                [3,4] p3 get k -> v1
                [30,31] p3 get k -> v1
                [50,51] p4 get k -> late
                [52,53] p3 get k -> late
                """);
    }

    @Test
    void anUnknownCasMayLandLateOnlyIfItsExpectedValueWasThere() {
        assertLinearizable("""
                [0,1] p1 put k v1 -> ok
                [2,?] p2 cas k v1 v2 -> ? TIMEOUT
                [10,11] p3 get k -> v1
                [20,21] p3 get k -> v2
                """);
    }

    @Test
    void anUnknownWriteMayNeverHappen() {
        assertLinearizable("""
                [0,1] p1 put k v1 -> ok
                [2,?] p2 put k lost -> ? TIMEOUT
                [3,4] p3 get k -> v1
                [100,101] p3 get k -> v1
                """);
        // The read of "absent" keeps the unknown delete in the search, which must leave it out.
        assertLinearizable("""
                [0,1] p1 get k -> nil
                [2,3] p1 put k v1 -> ok
                [4,?] p2 delete k -> ? "connection lost"
                [5,6] p3 get k -> v1
                [70,71] p3 get k -> v1
                """);
    }

    @Test
    void aFailedWriteIsIgnored() {
        assertLinearizable("""
                [0,1] p1 put k v1 -> ok
                [2,3] p2 put k v2 -> fail UNAVAILABLE
                [4,5] p3 get k -> v1
                """);
    }

    @Test
    void aLocalReadMayBeStaleByContract() {
        assertLinearizable("""
                [0,1] p1 put k v1 -> ok
                [2,3] p1 put k v2 -> ok
                [4,5] p2 get-local k -> v1
                [6,7] p2 get-local k -> nil
                """);
    }
}
