package io.tern.verify.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tern.client.protocol.ReadMode;
import io.tern.verify.history.Call;
import io.tern.verify.history.Operation;
import io.tern.verify.history.Outcome;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HistoryChangesTest {

    private static Operation ok(Call call, Outcome outcome, long revision) {
        return new Operation(1, call, outcome, 0, 1, revision);
    }

    @Test
    void acknowledgedWritesOweTheirChangesAtTheirRevision() {
        HistoryChanges changes = HistoryChanges.of(List.of(
                ok(new Call.Put("k0", "a"), new Outcome.Written(), 5),
                ok(new Call.Delete("k0"), new Outcome.Deleted(true), 6),
                ok(new Call.Cas("k1", null, "b"), new Outcome.Written(), 7),
                ok(new Call.Cas("k1", "b", null), new Outcome.Written(), 8),
                ok(new Call.Batch(List.of(Call.BatchWrite.put("k0", "c"), Call.BatchWrite.put("k1", "d"))),
                        new Outcome.Written(), 9)));

        assertEquals(List.of(Change.put("k0", 5, "a"), Change.delete("k0", 6), Change.put("k1", 7, "b"),
                Change.delete("k1", 8), Change.put("k0", 9, "c"), Change.put("k1", 9, "d")), changes.acknowledged());
        assertEquals(List.of(), changes.possible());
        assertEquals(List.of(), changes.unknownOutcome());
    }

    @Test
    void writesThatChangedNothingOweNothing() {
        HistoryChanges changes = HistoryChanges.of(List.of(
                ok(new Call.Get("k0", ReadMode.LINEARIZABLE), new Outcome.ValueRead("a"), 5),
                ok(new Call.Delete("k0"), new Outcome.Deleted(false), 6),
                ok(new Call.Cas("k0", "x", "y"), new Outcome.CasMismatch("a"), 7),
                ok(new Call.Cas("k0", null, null), new Outcome.Written(), 8),
                ok(txn(new Call.Guard("k0", "z")), new Outcome.GuardsFailed(Map.of("k0", "a")), 9),
                new Operation(1, new Call.Put("k0", "f"), new Outcome.Failed("UNAVAILABLE"), 0, 1)));

        assertEquals(new HistoryChanges(List.of(), List.of(), List.of()), changes);
    }

    @Test
    void aTxnsDeleteIsKnownWhereItGuardedTheKeyAndPossibleElsewhere() {
        Call.Txn txn = new Call.Txn(List.of(new Call.Guard("k0", "a"), new Call.Guard("k2", null)),
                List.of(Call.BatchWrite.delete("k0"), Call.BatchWrite.delete("k1"), Call.BatchWrite.delete("k2"),
                        Call.BatchWrite.put("k3", "b")));

        HistoryChanges changes = HistoryChanges.of(List.of(ok(txn, new Outcome.Written(), 12)));

        assertEquals(List.of(Change.delete("k0", 12), Change.put("k3", 12, "b")), changes.acknowledged());
        assertEquals(List.of(Change.delete("k1", 12)), changes.possible(), "k1 may have been absent; k2 was");
    }

    @Test
    void aBatchsDeleteMayHaveFoundNothing() {
        HistoryChanges changes = HistoryChanges.of(List.of(ok(new Call.Batch(List.of(Call.BatchWrite.put("k0", "a"),
                Call.BatchWrite.delete("k1"))), new Outcome.Written(), 4)));

        assertEquals(List.of(Change.put("k0", 4, "a")), changes.acknowledged());
        assertEquals(List.of(Change.delete("k1", 4)), changes.possible());
    }

    @Test
    void writesOfUnknownOutcomeMayHaveMadeEachOfTheirChanges() {
        HistoryChanges changes = HistoryChanges.of(List.of(
                Operation.unknown(1, new Call.Put("k0", "a"), 0, "TIMEOUT"),
                Operation.unknown(1, new Call.Cas("k1", "x", null), 0, "TIMEOUT"),
                Operation.unknown(1, txn(new Call.Guard("k0", "a")), 0, "TIMEOUT")));

        assertEquals(List.of(Change.put("k0", -1, "a"), Change.delete("k1", -1), Change.put("k1", -1, "t")),
                changes.unknownOutcome());
        assertEquals(List.of(), changes.acknowledged());
    }

    @Test
    void aBatchThatWritesAKeyTwiceCannotBeJudged() {
        Operation twice = ok(new Call.Batch(List.of(Call.BatchWrite.put("k0", "a"), Call.BatchWrite.put("k0", "b"))),
                new Outcome.Written(), 3);

        assertThrows(IllegalArgumentException.class, () -> HistoryChanges.of(List.of(twice)));
    }

    @Test
    void aWatchThatDroppedAnAcknowledgedTxnsChangeIsCaught() {
        Call.Txn txn = txn(new Call.Guard("k0", "a"));
        HistoryChanges changes = HistoryChanges.of(List.of(
                ok(new Call.Put("k0", "a"), new Outcome.Written(), 5),
                ok(txn, new Outcome.Written(), 6),
                ok(new Call.Delete("k1"), new Outcome.Deleted(true), 7)));
        ObservedWatch dropped = new ObservedWatch("watch on k", key -> key.startsWith("k"), 1,
                List.of(Change.put("k0", 5, "a"), Change.delete("k1", 7)), 7);
        ObservedWatch complete = new ObservedWatch("watch on k", key -> key.startsWith("k"), 1,
                List.of(Change.put("k0", 5, "a"), Change.put("k1", 6, "t"), Change.delete("k1", 7)), 7);

        assertEquals(List.of("watch on k: missed PUT k1=t @6 (complete through 7)"),
                changes.checker().check(List.of(dropped)));
        assertEquals(List.of(), changes.checker().check(List.of(complete)));
    }

    @Test
    void aPossibleDeleteMayBeShownAtItsRevisionOnly() {
        HistoryChanges changes = HistoryChanges.of(List.of(ok(new Call.Batch(List.of(Call.BatchWrite.delete("k0"),
                Call.BatchWrite.put("k1", "a"))), new Outcome.Written(), 4)));
        ObservedWatch shown = new ObservedWatch("w", key -> true, 1, List.of(Change.delete("k0", 4),
                Change.put("k1", 4, "a")), 4);
        ObservedWatch notShown = new ObservedWatch("w", key -> true, 1, List.of(Change.put("k1", 4, "a")), 4);
        ObservedWatch invented = new ObservedWatch("w", key -> true, 1, List.of(Change.delete("k0", 3),
                Change.put("k1", 4, "a")), 4);

        assertEquals(List.of(), changes.checker().check(List.of(shown)));
        assertEquals(List.of(), changes.checker().check(List.of(notShown)));
        assertEquals(List.of("w: DELETE k0 @3 matches no write (acknowledged at that revision, or of unknown outcome)"),
                changes.checker().check(List.of(invented)));
    }

    private static Call.Txn txn(Call.Guard guard) {
        return new Call.Txn(List.of(guard), List.of(Call.BatchWrite.put("k1", "t")));
    }
}
