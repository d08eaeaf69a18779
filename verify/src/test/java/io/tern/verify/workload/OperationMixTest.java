package io.tern.verify.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.verify.history.Call;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OperationMixTest {

    private static List<Call> draw(boolean txns, int count) {
        OperationMix mix = new OperationMix(6, 1, 42, txns);
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Call call = mix.next();
            calls.add(call);
            if (call instanceof Call.Put put) {
                mix.saw(put.key(), put.value());
            }
        }
        return calls;
    }

    @Test
    void txnsAreAFewPercentOfTheCallsOverOnePairWithGuardsOnValuesAndOnAbsence() {
        List<Call.Txn> txns = draw(true, 4000).stream().filter(Call.Txn.class::isInstance).map(Call.Txn.class::cast)
                .toList();

        assertTrue(txns.size() > 120 && txns.size() < 280, "about 5 % of 4000: " + txns.size());
        for (Call.Txn txn : txns) {
            List<Integer> pairs = txn.keys().stream().map(k -> Integer.parseInt(k.substring(1)) / 2).distinct().toList();
            assertEquals(1, pairs.size(), "one pair only, so the checker's partitions stay pairs: " + txn.describe());
        }
        assertTrue(txns.stream().anyMatch(t -> t.guards().stream().anyMatch(g -> g.expected() == null)), "absence");
        assertTrue(txns.stream().anyMatch(t -> t.guards().stream().anyMatch(g -> g.expected() != null)), "values");
        assertTrue(txns.stream().anyMatch(t -> t.guards().size() == 2), "both keys guarded");
        assertTrue(txns.stream().anyMatch(t -> t.writes().stream().anyMatch(w -> w.value() == null)), "deletes");
    }

    @Test
    void withoutTxnsTheMixIsTheOneItWasWithTheSameSeed() {
        List<Call> without = draw(false, 2000);

        assertTrue(without.stream().noneMatch(Call.Txn.class::isInstance));
        List<Call> with = draw(true, 2000);
        int firstTxn = with.indexOf(with.stream().filter(Call.Txn.class::isInstance).findFirst().orElseThrow());
        assertEquals(without.subList(0, firstTxn), with.subList(0, firstTxn), "a seed draws the same calls up to the first txn");
    }

    @Test
    void workloadsParseAndRefuseWhatCannotRun() {
        assertEquals(java.util.EnumSet.allOf(Workload.class), Workload.parseList("kv,txn,watch,lease,lock"));
        assertEquals(java.util.EnumSet.of(Workload.LEASE), Workload.parseList("lease"));
        IllegalArgumentException unknown = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Workload.parseList("kv,locks"));
        assertEquals("unknown workload 'locks'; known: kv, txn, watch, lease, lock", unknown.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Workload.parseList("watch"));
    }
}
