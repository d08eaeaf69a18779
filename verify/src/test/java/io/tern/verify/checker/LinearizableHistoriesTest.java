package io.tern.verify.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tern.verify.history.Call;
import io.tern.verify.history.History;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Histories that are linearizable: the checker must say so, or it cries wolf. */
@Timeout(30)
class LinearizableHistoriesTest {

    static final CheckOptions OPTIONS = new CheckOptions(Duration.ofSeconds(20), 1_000_000);

    static void assertLinearizable(HistoryBuilder h) {
        History history = h.build();
        Verdict verdict = LinearizabilityChecker.check(history, OPTIONS);
        assertEquals(Linearizability.LINEARIZABLE, verdict.result(), verdict::explain);
    }

    @Test
    void anEmptyHistory() {
        assertLinearizable(new HistoryBuilder());
    }

    @Test
    void oneClientDoingEverythingInTurn() {
        HistoryBuilder h = new HistoryBuilder();
        h.get(1, "k", null, 0, 1);
        h.put(1, "k", "v1", 2, 3);
        h.get(1, "k", "v1", 4, 5);
        h.cas(1, "k", "v1", "v2", 6, 7);
        h.casMismatch(1, "k", "v1", "v3", "v2", 8, 9);
        h.delete(1, "k", true, 10, 11);
        h.delete(1, "k", false, 12, 13);
        h.cas(1, "k", null, "v4", 14, 15);
        h.get(1, "k", "v4", 16, 17);
        assertLinearizable(h);
    }

    @Test
    void concurrentWritesMayLandInEitherOrderAndReadsDuringThemSeeEither() {
        HistoryBuilder firstThenSecond = new HistoryBuilder();
        firstThenSecond.put(1, "k", "v1", 0, 10);
        firstThenSecond.put(2, "k", "v2", 0, 10);
        firstThenSecond.get(3, "k", "v1", 2, 3);
        firstThenSecond.get(3, "k", "v2", 4, 5);
        firstThenSecond.get(4, "k", "v2", 11, 12);
        assertLinearizable(firstThenSecond);

        HistoryBuilder secondThenFirst = new HistoryBuilder();
        secondThenFirst.put(1, "k", "v1", 0, 10);
        secondThenFirst.put(2, "k", "v2", 0, 10);
        secondThenFirst.get(3, "k", "v2", 2, 3);
        secondThenFirst.get(4, "k", "v1", 11, 12);
        assertLinearizable(secondThenFirst);
    }

    @Test
    void operationsThatOnlyTouchInTimeCountAsConcurrent() {
        HistoryBuilder h = new HistoryBuilder();
        h.put(1, "k", "v1", 0, 5);
        h.get(2, "k", null, 5, 6);
        assertLinearizable(h);
    }

    @Test
    void aChainOfCompareAndSetsWithRacingLosers() {
        HistoryBuilder h = new HistoryBuilder();
        h.cas(1, "k", null, "v1", 0, 4);
        h.casMismatch(2, "k", null, "x1", "v1", 1, 5);
        h.cas(2, "k", "v1", "v2", 6, 9);
        h.cas(3, "k", "v2", "v3", 7, 12);
        h.casMismatch(1, "k", "v1", "x2", "v3", 8, 14);
        h.cas(1, "k", "v3", null, 15, 16);
        h.get(2, "k", null, 17, 18);
        assertLinearizable(h);
    }

    @Test
    void aBatchAcrossKeysIsSeenWholeOnEveryKey() {
        HistoryBuilder h = new HistoryBuilder();
        h.put(1, "a", "a1", 0, 1);
        h.put(1, "b", "b1", 0, 1);
        h.batch(2, 2, 20, Call.BatchWrite.put("a", "a2"), Call.BatchWrite.delete("b"), Call.BatchWrite.put("c", "c2"));
        h.get(3, "b", "b1", 3, 4);
        h.get(3, "a", "a2", 5, 6);
        h.get(4, "b", null, 7, 8);
        h.get(4, "c", "c2", 9, 10);
        h.put(5, "c", "c3", 11, 12);
        h.get(5, "a", "a2", 21, 22);
        assertLinearizable(h);
    }

    @Test
    void anUnknownWriteMayBecomeVisibleLongAfterItsClientGaveUp() {
        HistoryBuilder h = new HistoryBuilder();
        h.put(1, "k", "v1", 0, 1);
        h.putUnknown(2, "k", "late", 2);
        h.get(3, "k", "v1", 3, 4);
        h.get(3, "k", "v1", 30, 31);
        h.get(4, "k", "late", 50, 51);
        h.get(3, "k", "late", 52, 53);
        assertLinearizable(h);
    }

    @Test
    void anUnknownCasMayLandLateOnlyIfItsExpectedValueWasThere() {
        HistoryBuilder h = new HistoryBuilder();
        h.put(1, "k", "v1", 0, 1);
        h.casUnknown(2, "k", "v1", "v2", 2);
        h.get(3, "k", "v1", 10, 11);
        h.get(3, "k", "v2", 20, 21);
        assertLinearizable(h);
    }

    @Test
    void anUnknownWriteMayNeverHappen() {
        HistoryBuilder put = new HistoryBuilder();
        put.put(1, "k", "v1", 0, 1);
        put.putUnknown(2, "k", "lost", 2);
        put.get(3, "k", "v1", 3, 4);
        put.get(3, "k", "v1", 100, 101);
        assertLinearizable(put);

        // The read of "absent" keeps the unknown delete in the search, which must leave it out.
        HistoryBuilder delete = new HistoryBuilder();
        delete.get(1, "k", null, 0, 1);
        delete.put(1, "k", "v1", 2, 3);
        delete.deleteUnknown(2, "k", 4);
        delete.get(3, "k", "v1", 5, 6);
        delete.get(3, "k", "v1", 70, 71);
        assertLinearizable(delete);
    }

    @Test
    void aFailedWriteIsIgnored() {
        HistoryBuilder h = new HistoryBuilder();
        h.put(1, "k", "v1", 0, 1);
        h.putFailed(2, "k", "v2", 2, 3);
        h.get(3, "k", "v1", 4, 5);
        assertLinearizable(h);
    }

    @Test
    void aLocalReadMayBeStaleByContract() {
        HistoryBuilder h = new HistoryBuilder();
        h.put(1, "k", "v1", 0, 1);
        h.put(1, "k", "v2", 2, 3);
        h.getLocal(2, "k", "v1", 4, 5);
        h.getLocal(2, "k", null, 6, 7);
        assertLinearizable(h);
    }
}
