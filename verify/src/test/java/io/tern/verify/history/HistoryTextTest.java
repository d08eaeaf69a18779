package io.tern.verify.history;

import io.tern.client.protocol.ReadMode;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The text form of a history: every call and outcome, written and read back the same. */
class HistoryTextTest {

    private static final long MS = 1_000_000;

    @Test
    void everyCallAndOutcomeReadsAsWritten() {
        History history = HistoryText.parse("""
                # a comment, and a blank line next

                [0,10] p1 put x 1 -> ok
                [2,3] p2 get x -> 1 rev 4
                [4,5] p2 get-local x -> nil
                [6,9] p3 cas x 1 2 -> ok
                [6,9] p4 cas x nil 3 -> mismatch 2
                [7,8] p4 cas x 2 nil -> ok
                [11,12] p1 delete x -> ok existed
                [13,14] p1 delete x -> ok absent
                [13,14] p1 delete y -> ok
                [15,?] p2 put x late -> ? TIMEOUT
                [16,17] p3 put x v -> fail UNAVAILABLE
                [18,20.5] p4 batch put a 1, delete b, put c 2 -> ok
                """);

        assertEquals(List.of(
                new Operation(1, new Call.Put("x", "1"), new Outcome.Written(), 0, 10 * MS),
                new Operation(2, new Call.Get("x", ReadMode.LINEARIZABLE), new Outcome.ValueRead("1"), 2 * MS, 3 * MS, 4),
                new Operation(2, new Call.Get("x", ReadMode.LOCAL), new Outcome.ValueRead(null), 4 * MS, 5 * MS),
                new Operation(3, new Call.Cas("x", "1", "2"), new Outcome.Written(), 6 * MS, 9 * MS),
                new Operation(4, new Call.Cas("x", null, "3"), new Outcome.CasMismatch("2"), 6 * MS, 9 * MS),
                new Operation(4, new Call.Cas("x", "2", null), new Outcome.Written(), 7 * MS, 8 * MS),
                new Operation(1, new Call.Delete("x"), new Outcome.Deleted(true), 11 * MS, 12 * MS),
                new Operation(1, new Call.Delete("x"), new Outcome.Deleted(false), 13 * MS, 14 * MS),
                new Operation(1, new Call.Delete("y"), new Outcome.Written(), 13 * MS, 14 * MS),
                Operation.unknown(2, new Call.Put("x", "late"), 15 * MS, "TIMEOUT"),
                new Operation(3, new Call.Put("x", "v"), new Outcome.Failed("UNAVAILABLE"), 16 * MS, 17 * MS),
                new Operation(4, new Call.Batch(List.of(Call.BatchWrite.put("a", "1"), Call.BatchWrite.delete("b"),
                        Call.BatchWrite.put("c", "2"))), new Outcome.Written(), 18 * MS, 20_500_000)),
                history.operations());
        assertEquals(history.operations(), HistoryText.parse(HistoryText.format(history.operations(), 0)).operations());
    }

    @Test
    void aValueThatLooksLikeAWordOrHoldsSpacesIsQuotedAndReadBack() {
        List<Operation> operations = List.of(
                new Operation(1, new Call.Put("k", "nil"), new Outcome.Written(), 1, 2),
                new Operation(1, new Call.Put("a key", "say \"hi\",\n\\o/"), new Outcome.Written(), 3, 4),
                new Operation(2, new Call.Get("k", ReadMode.LINEARIZABLE), new Outcome.ValueRead("ok"), 5, 6),
                new Operation(2, new Call.Put("k", ""), new Outcome.Failed("BAD_REQUEST: empty?"), 7, 8),
                Operation.unknown(3, new Call.Delete("k"), 9, "connection lost"));
        String text = HistoryText.format(operations, 0);

        assertTrue(text.contains("put k \"nil\" -> ok"), text);
        assertTrue(text.contains("get k -> \"ok\""), text);
        assertTrue(text.contains("[0.000009,?] p3 delete k -> ? \"connection lost\""), text);
        assertEquals(operations, HistoryText.parse(text).operations());
    }

    @Test
    void timesCountFromTheOriginGiven() {
        Operation put = new Operation(7, new Call.Put("k", "v"), new Outcome.Written(), 1_002 * MS, 1_003_250_000L, 9);
        assertEquals("[2,3.25] p7 put k v -> ok rev 9", HistoryText.format(put, 1_000 * MS));
    }

    @Test
    void aBadLineIsNamedWithWhatIsWrong() {
        IllegalArgumentException call = assertThrows(IllegalArgumentException.class, () -> HistoryText.parse("""
                [0,1] p1 put k v -> ok
                [2,3] p1 frobnicate k -> ok
                """));
        assertTrue(call.getMessage().startsWith("line 2 ([2,3] p1 frobnicate k -> ok): unknown call frobnicate"),
                call.getMessage());
        IllegalArgumentException open = assertThrows(IllegalArgumentException.class,
                () -> HistoryText.parse("[2,?] p1 put k v -> ok"));
        assertTrue(open.getMessage().contains("completes at ? exactly when its outcome is ?"), open.getMessage());
        IllegalArgumentException early = assertThrows(IllegalArgumentException.class,
                () -> HistoryText.parse("[5,3] p1 put k v -> ok"));
        assertTrue(early.getMessage().contains("before its invocation"), early.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HistoryText.parse("[0,1] p1 get k -> ok existed"));
    }
}
