package io.tern.verify.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.client.protocol.ReadMode;
import io.tern.verify.history.Call;
import io.tern.verify.history.Outcome;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RegisterModelTest {

    private static final RegisterModel MODEL = RegisterModel.INSTANCE;
    private static final Register V1 = new Register("v1");

    @Test
    void aGetMustReadTheCurrentValueAndChangesNothing() {
        assertEquals(Optional.of(V1), MODEL.step(V1, new Call.Get("k", ReadMode.LINEARIZABLE), new Outcome.ValueRead("v1")));
        assertTrue(MODEL.step(V1, new Call.Get("k", ReadMode.LINEARIZABLE), new Outcome.ValueRead("v0")).isEmpty());
        assertTrue(MODEL.step(Register.ABSENT, new Call.Get("k", ReadMode.LINEARIZABLE), new Outcome.ValueRead("v1")).isEmpty());
    }

    @Test
    void aDeleteMustKnowWhetherTheKeyExistedWhenItSaysSo() {
        assertEquals(Optional.of(Register.ABSENT), MODEL.step(V1, new Call.Delete("k"), new Outcome.Deleted(true)));
        assertTrue(MODEL.step(V1, new Call.Delete("k"), new Outcome.Deleted(false)).isEmpty());
        assertEquals(Optional.of(Register.ABSENT), MODEL.step(V1, new Call.Delete("k"), new Outcome.Written()));
    }

    @Test
    void aCasWritesOnlyWhenItFindsItsExpectedValueAndAMismatchReportsWhatItFound() {
        Call.Cas cas = new Call.Cas("k", "v1", "v2");
        assertEquals(Optional.of(new Register("v2")), MODEL.step(V1, cas, new Outcome.Written()));
        assertTrue(MODEL.step(Register.ABSENT, cas, new Outcome.Written()).isEmpty());
        assertEquals(Optional.of(Register.ABSENT), MODEL.step(Register.ABSENT, cas, new Outcome.CasMismatch(null)));
        assertTrue(MODEL.step(V1, cas, new Outcome.CasMismatch("v1")).isEmpty(), "it found what it expected");
        assertTrue(MODEL.step(new Register("v9"), cas, new Outcome.CasMismatch("v8")).isEmpty(), "it reports another value");
        assertEquals(Optional.of(Register.ABSENT), MODEL.step(V1, new Call.Cas("k", "v1", null), new Outcome.Written()));
    }

    @Test
    void anUnknownOutcomeIsPossibleFromEveryStateAndActsIfItTakesEffect() {
        assertEquals(Optional.of(new Register("v2")), MODEL.step(V1, new Call.Cas("k", "v1", "v2"), new Outcome.Unknown("t")));
        assertEquals(Optional.of(V1), MODEL.step(V1, new Call.Cas("k", "v0", "v2"), new Outcome.Unknown("t")));
        assertEquals(Optional.of(new Register("v3")), MODEL.step(V1, new Call.Put("k", "v3"), new Outcome.Unknown("t")));
    }

    @Test
    void theMapModelAppliesABatchToAllItsKeysInOneStep() {
        KeyValueMapModel model = new KeyValueMapModel(List.of("a", "b"));
        KeyValueState start = model.step(model.initialState(), new Call.Put("b", "b1"), new Outcome.Written()).orElseThrow();

        KeyValueState after = model.step(start, new Call.Batch(List.of(Call.BatchWrite.put("a", "a1"),
                Call.BatchWrite.delete("b"), Call.BatchWrite.put("a", "a2"))), new Outcome.Written()).orElseThrow();

        assertEquals("{a=a2, b=<absent>}", model.describe(after));
        assertTrue(model.step(after, new Call.Get("b", ReadMode.LINEARIZABLE), new Outcome.ValueRead("b1")).isEmpty());
        assertEquals(Optional.of(after), model.step(after, new Call.Get("a", ReadMode.LINEARIZABLE), new Outcome.ValueRead("a2")));
    }
}
