package io.tern.verify.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.verify.history.Call;
import io.tern.verify.history.History;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A checker that has never failed proves nothing: each kind of anomaly, hidden in valid traffic on
 * the same key and on another key, must be caught, and the reported window must hold the offending
 * operations and little else.
 */
@Timeout(60)
class AnomalyDetectionTest {

    private static final CheckOptions OPTIONS = new CheckOptions(Duration.ofSeconds(20), 1_000_000);

    /** Valid traffic before the anomaly on {@code key} and alongside it on another key; returns when it ends. */
    private static long noise(HistoryBuilder h, String key) {
        h.sequentialTraffic("other", 60, 0);
        return h.sequentialTraffic(key, 30, 0) + 1;
    }

    /** Asserts the anomaly is caught, and returns the verdict's text for further checks. */
    private static String assertCaught(HistoryBuilder h, int maxWindow, int... offending) {
        History history = h.build();
        Verdict verdict = LinearizabilityChecker.check(history, OPTIONS);
        String text = verdict.explain();
        System.out.println(text);
        assertEquals(Linearizability.NOT_LINEARIZABLE, verdict.result(), text);
        FailureWitness witness = verdict.firstWitness().orElseThrow();
        for (int id : offending) {
            assertTrue(witness.operationIds().contains(id), "#" + id + " should be in the window " + witness.operationIds() + "\n" + text);
        }
        assertTrue(witness.operations().size() <= maxWindow, "window of " + witness.operations().size() + " > " + maxWindow + "\n" + text);
        assertTrue(witness.minimal(), text);
        // The window is a proof on its own: checked alone, as recorded, it still fails.
        assertEquals(Linearizability.NOT_LINEARIZABLE, LinearizabilityChecker.check(History.of(witness.operations()), OPTIONS).result(),
                () -> "the window alone passes:\n" + text);
        return text;
    }

    @Test
    void aStaleRead() {
        HistoryBuilder h = new HistoryBuilder();
        long t = noise(h, "k");
        int oldWrite = h.put(1, "k", "old", t, t + 1);
        int newWrite = h.put(2, "k", "new", t + 2, t + 3);
        int staleRead = h.get(3, "k", "old", t + 4, t + 5);
        h.get(4, "k", "new", t + 6, t + 7);

        String text = assertCaught(h, 3, oldWrite, newWrite, staleRead);
        assertTrue(text.contains("#" + staleRead + " GET k (p3) read old, but #" + newWrite + " PUT k new overwrote it"), text);
    }

    @Test
    void aLostWrite() {
        HistoryBuilder h = new HistoryBuilder();
        long t = noise(h, "k");
        int before = h.put(1, "k", "before", t, t + 1);
        int lost = h.put(2, "k", "lost", t + 2, t + 8);
        h.get(3, "k", "before", t + 3, t + 4);
        int readAfterAck = h.get(3, "k", "before", t + 9, t + 10);
        h.get(4, "k", "before", t + 11, t + 12);
        h.get(3, "k", "before", t + 13, t + 14);

        assertCaught(h, 3, before, lost);
        assertTrue(readAfterAck > lost);
    }

    @Test
    void aReadOfAValueNeverWritten() {
        HistoryBuilder h = new HistoryBuilder();
        long t = noise(h, "k");
        int ghost = h.get(3, "k", "ghost", t, t + 1);

        String text = assertCaught(h, 1, ghost);
        assertTrue(text.contains("ghost, a value that no operation wrote"), text);
    }

    @Test
    void aReadOfAWriteThatFailed() {
        HistoryBuilder h = new HistoryBuilder();
        long t = noise(h, "k");
        int failed = h.putFailed(1, "k", "refused", t, t + 1);
        int read = h.get(3, "k", "refused", t + 2, t + 3);

        String text = assertCaught(h, 1, read);
        assertTrue(text.contains("which only #" + failed + " wrote, and it failed"), text);
    }

    @Test
    void aCasThatSucceededExpectingAnOverwrittenValue() {
        HistoryBuilder h = new HistoryBuilder();
        long t = noise(h, "k");
        int oldWrite = h.put(1, "k", "old", t, t + 1);
        int newWrite = h.put(2, "k", "new", t + 2, t + 3);
        int cas = h.cas(3, "k", "old", "newer", t + 4, t + 5);
        h.get(4, "k", "newer", t + 6, t + 7);

        String text = assertCaught(h, 3, oldWrite, newWrite, cas);
        assertTrue(text.contains("succeeded expecting old"), text);
    }

    @Test
    void aBatchSeenHalfAppliedAfterItCompleted() {
        HistoryBuilder h = new HistoryBuilder();
        long t = noise(h, "a");
        h.put(1, "a", "a1", t, t + 1);
        int oldB = h.put(1, "b", "b1", t + 2, t + 3);
        int batch = h.batch(2, t + 4, t + 5, Call.BatchWrite.put("a", "a2"), Call.BatchWrite.put("b", "b2"));
        h.get(3, "a", "a2", t + 6, t + 7);
        int oldSeen = h.get(3, "b", "b1", t + 6, t + 7);

        assertCaught(h, 4, oldB, batch, oldSeen);
    }

    @Test
    void aBatchSeenHalfAppliedWhileInFlightNeedsTheMultiKeyModel() {
        // Per key, each read is fine: only a model of both keys together sees that the batch was
        // applied before the first read and not before the second, which began after it.
        HistoryBuilder h = new HistoryBuilder();
        long t = noise(h, "a");
        h.put(1, "a", "a1", t, t + 1);
        int oldB = h.put(1, "b", "b1", t + 2, t + 3);
        int batch = h.batch(2, t + 4, t + 40, Call.BatchWrite.put("a", "a2"), Call.BatchWrite.put("b", "b2"));
        int newSeen = h.get(3, "a", "a2", t + 6, t + 7);
        int oldSeen = h.get(4, "b", "b1", t + 8, t + 9);

        assertCaught(h, 4, oldB, batch, newSeen, oldSeen);
    }

    @Test
    void twoReadsInTurnSeeNewThenOld() {
        HistoryBuilder h = new HistoryBuilder();
        long t = noise(h, "k");
        int oldWrite = h.put(1, "k", "old", t, t + 1);
        int newWrite = h.put(2, "k", "new", t + 2, t + 40);
        int newRead = h.get(3, "k", "new", t + 3, t + 4);
        int oldRead = h.get(3, "k", "old", t + 5, t + 6);

        String text = assertCaught(h, 4, oldWrite, newWrite, newRead, oldRead);
        assertTrue(text.contains("had already read new"), text);
    }

    @Test
    void anUnknownWriteCannotTakeEffectBeforeItWasInvoked() {
        HistoryBuilder h = new HistoryBuilder();
        long t = noise(h, "k");
        int early = h.get(3, "k", "future", t, t + 1);
        int write = h.putUnknown(1, "k", "future", t + 2);

        String text = assertCaught(h, 2, early, write);
        assertTrue(text.contains("before any write of it began"), text);
    }

    @Test
    void aKeyFoundAbsentAfterAWriteThatNothingDeleted() {
        HistoryBuilder h = new HistoryBuilder();
        long t = noise(h, "k");
        int delete = h.delete(1, "k", true, t, t + 1);
        int write = h.put(1, "k", "v", t + 2, t + 3);
        int absent = h.get(2, "k", null, t + 4, t + 5);

        String text = assertCaught(h, 3, write, absent);
        assertTrue(text.contains("no delete of k can have taken effect after it"), text);
        assertTrue(delete < write);
    }

    @Test
    void aLocalReadThatInventsAValue() {
        HistoryBuilder h = new HistoryBuilder();
        long t = noise(h, "k");
        int invented = h.getLocal(2, "k", "invented", t, t + 1);

        String text = assertCaught(h, 1, invented);
        assertTrue(text.contains("LOCAL reads"), text);
    }

    @Test
    void oneFailingKeyAmongHealthyOnesIsNamed() {
        HistoryBuilder h = new HistoryBuilder();
        for (String key : Arrays.asList("a", "b", "c", "d")) {
            h.sequentialTraffic(key, 20, 0);
        }
        long t = h.sequentialTraffic("e", 20, 0);
        h.put(1, "e", "e-new", t, t + 1);
        h.get(2, "e", "e-seq19", t + 2, t + 3);

        Verdict verdict = LinearizabilityChecker.check(h.build(), OPTIONS);

        assertEquals(Linearizability.NOT_LINEARIZABLE, verdict.result());
        assertEquals(1, verdict.partitions().stream().filter(p -> p.result() == Linearizability.NOT_LINEARIZABLE).count());
        assertTrue(verdict.explain().contains("key e: NOT_LINEARIZABLE"), verdict.explain());
    }
}
