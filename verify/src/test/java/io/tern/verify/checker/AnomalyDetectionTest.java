package io.tern.verify.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.verify.history.History;
import io.tern.verify.history.HistoryText;
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

    private static final CheckConfig OPTIONS = new CheckConfig(Duration.ofSeconds(20), 1_000_000);

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
        // And as bin/tern verify prints it, read back into a history, it fails too.
        String printed = witness.asHistoryText();
        History replayed = HistoryText.parse(printed.substring(printed.indexOf('\n') + 1));
        assertEquals(witness.operations().size(), replayed.size(), printed);
        assertEquals(Linearizability.NOT_LINEARIZABLE, LinearizabilityChecker.check(replayed, OPTIONS).result(),
                () -> "the printed window passes:\n" + printed);
        return text;
    }

    @Test
    void aStaleRead() {
        HistoryBuilder h = new HistoryBuilder();
        h.add(noise(h, "k"), """
                oldWrite:  [0,1] p1 put k old -> ok
                newWrite:  [2,3] p2 put k new -> ok
                staleRead: [4,5] p3 get k -> old
                           [6,7] p4 get k -> new
                """);

        String text = assertCaught(h, 3, h.id("oldWrite"), h.id("newWrite"), h.id("staleRead"));
        assertTrue(text.contains("#" + h.id("staleRead") + " GET k (p3) read old, but #" + h.id("newWrite")
                + " PUT k new overwrote it"), text);
    }

    @Test
    void aLostWrite() {
        HistoryBuilder h = new HistoryBuilder();
        h.add(noise(h, "k"), """
                before:       [0,1] p1 put k before -> ok
                lost:         [2,8] p2 put k lost -> ok
                              [3,4] p3 get k -> before
                readAfterAck: [9,10] p3 get k -> before
                              [11,12] p4 get k -> before
                              [13,14] p3 get k -> before
                """);

        assertCaught(h, 3, h.id("before"), h.id("lost"));
        assertTrue(h.id("readAfterAck") > h.id("lost"));
    }

    @Test
    void aReadOfAValueNeverWritten() {
        HistoryBuilder h = new HistoryBuilder();
        h.add(noise(h, "k"), """
                ghost: [0,1] p3 get k -> ghost
                """);

        String text = assertCaught(h, 1, h.id("ghost"));
        assertTrue(text.contains("ghost, a value that no operation wrote"), text);
    }

    @Test
    void aReadOfAWriteThatFailed() {
        HistoryBuilder h = new HistoryBuilder();
        h.add(noise(h, "k"), """
                failed: [0,1] p1 put k refused -> fail UNAVAILABLE
                read:   [2,3] p3 get k -> refused
                """);

        String text = assertCaught(h, 1, h.id("read"));
        assertTrue(text.contains("which only #" + h.id("failed") + " wrote, and it failed"), text);
    }

    @Test
    void aCasThatSucceededExpectingAnOverwrittenValue() {
        HistoryBuilder h = new HistoryBuilder();
        h.add(noise(h, "k"), """
                oldWrite: [0,1] p1 put k old -> ok
                newWrite: [2,3] p2 put k new -> ok
                cas:      [4,5] p3 cas k old newer -> ok
                          [6,7] p4 get k -> newer
                """);

        String text = assertCaught(h, 3, h.id("oldWrite"), h.id("newWrite"), h.id("cas"));
        assertTrue(text.contains("succeeded expecting old"), text);
    }

    @Test
    void aBatchSeenHalfAppliedAfterItCompleted() {
        HistoryBuilder h = new HistoryBuilder();
        h.add(noise(h, "a"), """
                         [0,1] p1 put a a1 -> ok
                oldB:    [2,3] p1 put b b1 -> ok
                batch:   [4,5] p2 batch put a a2, put b b2 -> ok
                         [6,7] p3 get a -> a2
                oldSeen: [6,7] p3 get b -> b1
                """);

        assertCaught(h, 4, h.id("oldB"), h.id("batch"), h.id("oldSeen"));
    }

    @Test
    void aBatchSeenHalfAppliedWhileInFlightNeedsTheMultiKeyModel() {
        // Per key, each read is fine: only a model of both keys together sees that the batch was
        // applied before the first read and not before the second, which began after it.
        HistoryBuilder h = new HistoryBuilder();
        h.add(noise(h, "a"), """
                         [0,1] p1 put a a1 -> ok
                oldB:    [2,3] p1 put b b1 -> ok
                batch:   [4,40] p2 batch put a a2, put b b2 -> ok
                newSeen: [6,7] p3 get a -> a2
                oldSeen: [8,9] p4 get b -> b1
                """);

        assertCaught(h, 4, h.id("oldB"), h.id("batch"), h.id("newSeen"), h.id("oldSeen"));
    }

    @Test
    void twoReadsInTurnSeeNewThenOld() {
        HistoryBuilder h = new HistoryBuilder();
        h.add(noise(h, "k"), """
                oldWrite: [0,1] p1 put k old -> ok
                newWrite: [2,40] p2 put k new -> ok
                newRead:  [3,4] p3 get k -> new
                oldRead:  [5,6] p3 get k -> old
                """);

        String text = assertCaught(h, 4, h.id("oldWrite"), h.id("newWrite"), h.id("newRead"), h.id("oldRead"));
        assertTrue(text.contains("had already read new"), text);
    }

    @Test
    void anUnknownWriteCannotTakeEffectBeforeItWasInvoked() {
        HistoryBuilder h = new HistoryBuilder();
        h.add(noise(h, "k"), """
                early: [0,1] p3 get k -> future
                write: [2,?] p1 put k future -> ? TIMEOUT
                """);

        String text = assertCaught(h, 2, h.id("early"), h.id("write"));
        assertTrue(text.contains("before any write of it began"), text);
    }

    @Test
    void aKeyFoundAbsentAfterAWriteThatNothingDeleted() {
        HistoryBuilder h = new HistoryBuilder();
        h.add(noise(h, "k"), """
                delete: [0,1] p1 delete k -> ok existed
                write:  [2,3] p1 put k v -> ok
                absent: [4,5] p2 get k -> nil
                """);

        String text = assertCaught(h, 3, h.id("write"), h.id("absent"));
        assertTrue(text.contains("no delete of k can have taken effect after it"), text);
        assertTrue(h.id("delete") < h.id("write"));
    }

    @Test
    void aLocalReadThatInventsAValue() {
        HistoryBuilder h = new HistoryBuilder();
        h.add(noise(h, "k"), """
                invented: [0,1] p2 get-local k -> invented
                """);

        String text = assertCaught(h, 1, h.id("invented"));
        assertTrue(text.contains("LOCAL reads"), text);
    }

    @Test
    void oneFailingKeyAmongHealthyOnesIsNamed() {
        HistoryBuilder h = new HistoryBuilder();
        for (String key : Arrays.asList("a", "b", "c", "d")) {
            h.sequentialTraffic(key, 20, 0);
        }
        h.add(h.sequentialTraffic("e", 20, 0), """
                [0,1] p1 put e e-new -> ok
                [2,3] p2 get e -> e-seq19
                """);

        Verdict verdict = LinearizabilityChecker.check(h.build(), OPTIONS);

        assertEquals(Linearizability.NOT_LINEARIZABLE, verdict.result());
        assertEquals(1, verdict.partitions().stream().filter(p -> p.result() == Linearizability.NOT_LINEARIZABLE).count());
        assertTrue(verdict.explain().contains("key e: NOT_LINEARIZABLE"), verdict.explain());
    }
}
