package io.tern.verify.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tern.verify.history.History;
import io.tern.verify.history.HistoryText;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Transactions in the linearizability model: guards judged against the state, writes applied atomically. */
@Timeout(60)
class TxnCheckTest {

    private static final CheckConfig OPTIONS = new CheckConfig(Duration.ofSeconds(20), 1_000_000);

    private static Linearizability check(String text) {
        History history = HistoryText.parse(text);
        return LinearizabilityChecker.check(history, OPTIONS).result();
    }

    @Test
    void txnsWhoseGuardsAndReadsAgreeWithOneOrderPass() {
        assertEquals(Linearizability.LINEARIZABLE, check("""
                [0,1] p1 put a 1 -> ok
                [2,3] p1 txn if a 1, b nil then put a 2, put b 2 -> ok
                [4,5] p2 txn if a 1 then put a 3 -> guards-failed a 2
                [6,7] p2 get b -> 2
                [8,9] p3 txn if a 2, b 2 then delete a -> ok
                [10,11] p3 get a -> nil
                """));
    }

    @Test
    void aTxnThatSucceededThoughItsGuardDidNotHoldIsCaught() {
        assertEquals(Linearizability.NOT_LINEARIZABLE, check("""
                [0,1] p1 put a 1 -> ok
                [2,3] p2 txn if a 0 then put b x -> ok
                """));
    }

    @Test
    void aFailedTxnThatReadWhatWasNotThereIsCaught() {
        assertEquals(Linearizability.NOT_LINEARIZABLE, check("""
                [0,1] p1 put a 1 -> ok
                [2,3] p2 txn if a 0 then put b x -> guards-failed a 7
                """));
    }

    @Test
    void aTxnWhoseGuardsHeldMustNotReportFailure() {
        assertEquals(Linearizability.NOT_LINEARIZABLE, check("""
                [0,1] p1 put a 1 -> ok
                [2,3] p2 txn if a 1 then put b x -> guards-failed a 1
                """));
    }

    @Test
    void halfAppliedWritesAreCaught() {
        assertEquals(Linearizability.NOT_LINEARIZABLE, check("""
                [0,1] p1 txn if a nil then put a 1, put b 1 -> ok
                [2,3] p2 get a -> 1
                [4,5] p2 get b -> nil
                """));
    }

    @Test
    void aTxnOfUnknownOutcomeMayHaveAppliedOrNot() {
        assertEquals(Linearizability.LINEARIZABLE, check("""
                [0,1] p1 put a 1 -> ok
                [2,?] p2 txn if a 1 then put a 2, put b 2 -> ? timeout
                [4,5] p3 get b -> 2
                [6,7] p3 get a -> 2
                """));
        assertEquals(Linearizability.NOT_LINEARIZABLE, check("""
                [0,1] p1 put a 1 -> ok
                [2,?] p2 txn if a 1 then put a 2, put b 2 -> ? timeout
                [4,5] p3 get b -> 2
                [6,7] p3 get a -> 1
                """));
    }

    @Test
    void txnLinesReadBackAsWritten() {
        String text = """
                [0,1] p1 txn if a 1, "then" nil then put a 2, delete "then" -> ok
                [2,3] p2 txn if a 1 then put a 3 -> guards-failed a 2, b nil
                """;
        assertEquals(HistoryText.parse(text).operations(),
                HistoryText.parse(HistoryText.format(HistoryText.parse(text).operations(), 0)).operations());
    }
}
