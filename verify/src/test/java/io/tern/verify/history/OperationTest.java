package io.tern.verify.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tern.client.protocol.ReadMode;
import org.junit.jupiter.api.Test;

class OperationTest {

    @Test
    void anUnknownOutcomeNeverCompletesWhateverTheClientRecorded() {
        Operation gaveUp = new Operation(1, new Call.Put("k", "v"), new Outcome.Unknown("TIMEOUT"), 10, 500);
        assertEquals(Operation.NEVER, gaveUp.completeNanos());
    }

    @Test
    void anOutcomeMustAnswerItsCall() {
        assertThrows(IllegalArgumentException.class,
                () -> new Operation(1, new Call.Put("k", "v"), new Outcome.ValueRead("v"), 0, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new Operation(1, new Call.Get("k", ReadMode.LINEARIZABLE), new Outcome.Written(), 0, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new Operation(1, new Call.Put("k", "v"), new Outcome.CasMismatch("v"), 0, 1));
    }

    @Test
    void anOperationCannotCompleteBeforeItWasInvoked() {
        assertThrows(IllegalArgumentException.class,
                () -> new Operation(1, new Call.Delete("k"), new Outcome.Deleted(true), 5, 4));
    }

    @Test
    void aBatchListsEachKeyOnce() {
        Call.Batch batch = new Call.Batch(java.util.List.of(
                Call.BatchWrite.put("a", "1"), Call.BatchWrite.delete("b"), Call.BatchWrite.put("a", "2")));
        assertEquals(java.util.List.of("a", "b"), batch.keys());
        assertEquals("BATCH a=1 del b a=2", batch.describe());
    }
}
