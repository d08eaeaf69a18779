package io.tern.verify.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.verify.history.Call;
import io.tern.verify.history.History;
import io.tern.verify.history.HistoryText;
import io.tern.verify.history.Operation;
import io.tern.verify.history.Outcome;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The window search may turn a search that ran out of budget into NOT_LINEARIZABLE, so it must be
 * sound: cut from a linearizable history, no window may fail.
 */
class WitnessShrinkerTest {

    private static List<Partition> partitions(History history) {
        List<HistoryEntry> entries = KeyPartitionerTest.entries(history.operations()).stream()
                .filter(entry -> !entry.operation().isFailed()).toList();
        return KeyPartitioner.partition(UnknownWriteFilter.withoutUnobservedUnknowns(entries));
    }

    private static <S> Optional<WitnessShrinker.Shrunk> sweep(Partition partition, Model<S> model, int hintId) {
        return WitnessShrinker.findAndShrink(partition.entries(), model, hintId, false, SearchBudget.of(5_000_000_000L, 100_000));
    }

    @Test
    @Timeout(120)
    void noWindowOfALinearizableHistoryFails() {
        for (long seed = 1; seed <= 40; seed++) {
            Random random = new Random(seed);
            SimulatedStore.Settings settings = new SimulatedStore.Settings(seed, 4 + random.nextInt(6), 300,
                    List.of("a", "b", "c"), 0.05, 0.02, seed % 2 == 0 ? 0.08 : 0);
            for (Partition partition : partitions(SimulatedStore.run(settings))) {
                int hint = partition.entries().get(random.nextInt(partition.entries().size())).id();
                Optional<WitnessShrinker.Shrunk> found = sweep(partition, partition.model(), hint);
                assertTrue(found.isEmpty(), () -> "a window of a valid history failed: " + found.get().entries() + " (" + settings + ")");
            }
        }
    }

    @Test
    void aReadOfAbsentKeepsTheLastDeleteBeforeIt() {
        // A read of "absent" could be explained by any delete: dropping the last one before it,
        // while keeping a write in between, would fake a failure.
        Partition partition = partitions(HistoryText.parse("""
                [0,1] p1 put k v1 -> ok
                [2,3] p1 delete k -> ok existed
                [4,5] p1 put k v2 -> ok
                [6,7] p1 delete k -> ok existed
                [8,9] p2 get k -> nil
                [10,11] p1 put k v3 -> ok
                [12,13] p2 get k -> v3
                """)).getFirst();

        for (HistoryEntry hint : partition.entries()) {
            assertTrue(sweep(partition, partition.model(), hint.id()).isEmpty(), "hint #" + hint.id());
        }
    }

    @Test
    void aShrunkWindowNeverLosesTheWriteOfAValueItsReadSaw() {
        HistoryBuilder h = new HistoryBuilder().add("""
                write: [0,1] p1 put k old -> ok
                """);
        h.sequentialTraffic("k", 20, 2);
        h.add("""
                overwrite: [200,201] p1 put k new -> ok
                stale:     [202,203] p2 get k -> old
                """);
        int write = h.id("write");
        int overwrite = h.id("overwrite");
        int stale = h.id("stale");
        Partition partition = partitions(h.build()).getFirst();

        WitnessShrinker.Shrunk shrunk = WitnessShrinker.findAndShrink(partition.entries(), partition.model(), stale, true,
                SearchBudget.of(5_000_000_000L, 100_000)).orElseThrow();

        // Any put completed between the two serves as the overwrite; the write of "old" must stay.
        List<Integer> ids = shrunk.entries().stream().map(HistoryEntry::id).toList();
        assertEquals(3, ids.size(), ids::toString);
        assertEquals(write, ids.getFirst());
        assertEquals(stale, ids.getLast());
        assertTrue(ids.get(1) > write && ids.get(1) <= overwrite, ids::toString);
        assertTrue(shrunk.minimal());
    }

    @Test
    @Timeout(120)
    void theSweepFindsAnImpossibleReadWhereverTheHintPoints() {
        int found = 0;
        for (long seed = 1; seed <= 40; seed++) {
            Random random = new Random(seed);
            History history = SimulatedStore.run(new SimulatedStore.Settings(seed, 4 + random.nextInt(6), 300,
                    List.of("a", "b", "c"), 0.05, 0.02, seed % 2 == 0 ? 0.08 : 0));
            Optional<SimulatedStore.Mutation> mutation = SimulatedStore.mutateOneRead(history, random);
            if (mutation.isEmpty()) {
                continue;
            }
            int read = mutation.get().readId();
            for (Partition partition : partitions(mutation.get().history())) {
                if (partition.entries().stream().anyMatch(entry -> entry.id() == read)) {
                    int hint = partition.entries().get(random.nextInt(partition.entries().size())).id();
                    WitnessShrinker.Shrunk shrunk = sweep(partition, partition.model(), hint).orElseThrow();
                    assertTrue(shrunk.entries().stream().anyMatch(entry -> entry.id() == read), "seed " + seed);
                    found++;
                }
            }
        }
        assertTrue(found >= 30, "only " + found + " mutated histories");
    }

    @Test
    void weakenedOperationsKeepTheirTimesAndWrites() {
        Operation cas = new Operation(3, new Call.Cas("k", "a", "b"), new Outcome.Written(), 5, 9, 12);
        Operation weakened = Weakening.withoutObservations(cas).orElseThrow();
        assertEquals(new Call.Put("k", "b"), weakened.call());
        assertEquals(List.of(5L, 9L, 12L), List.of(weakened.invokeNanos(), weakened.completeNanos(), weakened.revision()));
        assertTrue(Footprint.observed(weakened).isEmpty());
    }
}
