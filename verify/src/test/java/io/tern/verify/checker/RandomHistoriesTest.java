package io.tern.verify.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.verify.history.History;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Property tests: histories of a simulated linearizable store must pass; the same histories with
 * one read changed to a value it could not have seen must fail, with that read in the window.
 */
class RandomHistoriesTest {

    private static final CheckConfig OPTIONS = new CheckConfig(Duration.ofSeconds(30), 2_000_000);

    @Test
    @Timeout(120)
    void simulatedLinearizableHistoriesPassAndOneImpossibleReadIsCaught() {
        int mutated = 0;
        for (long seed = 1; seed <= 120; seed++) {
            Random random = new Random(seed);
            List<String> keys = List.of("a", "b", "c").subList(0, 1 + random.nextInt(3));
            SimulatedStore.Settings settings = new SimulatedStore.Settings(seed, 3 + random.nextInt(5), 60 + random.nextInt(150),
                    keys, 0.05, 0.03, seed % 2 == 0 ? 0.1 : 0);
            History history = SimulatedStore.run(settings);
            String replay = " (" + settings + ")";

            Verdict valid = LinearizabilityChecker.check(history, OPTIONS);
            assertEquals(Linearizability.LINEARIZABLE, valid.result(), () -> valid.explain() + replay);

            Optional<SimulatedStore.Mutation> mutation = SimulatedStore.mutateOneRead(history, random);
            if (mutation.isEmpty()) {
                continue;
            }
            mutated++;
            SimulatedStore.Mutation bad = mutation.get();
            String what = replay + ": read #" + bad.readId() + " changed from " + bad.wasRead() + " to " + bad.nowReads();
            Verdict caught = LinearizabilityChecker.check(bad.history(), OPTIONS);
            assertEquals(Linearizability.NOT_LINEARIZABLE, caught.result(), () -> caught.explain() + what);
            FailureWitness witness = caught.firstWitness().orElseThrow();
            // Everything but the changed read is linearizable, so every sound window must hold it.
            assertTrue(witness.operationIds().contains(bad.readId()), caught.explain() + what);
            assertTrue(witness.operations().size() <= 12, caught.explain() + what);
            assertEquals(Linearizability.NOT_LINEARIZABLE,
                    LinearizabilityChecker.check(History.of(witness.operations()), OPTIONS).result(),
                    () -> "the window alone passes:\n" + caught.explain() + what);
        }
        assertTrue(mutated >= 100, "only " + mutated + " histories had a read to change");
    }

    @Test
    @Timeout(120)
    void tenThousandOperationsOfSixteenClientsOverFiveKeysCheckQuickly() {
        History history = SimulatedStore.run(new SimulatedStore.Settings(42, 16, 10_000, List.of("a", "b", "c", "d", "e"),
                0.02, 0.01, 0));

        Verdict verdict = LinearizabilityChecker.check(history, OPTIONS);

        System.out.println(verdict.explain());
        assertEquals(Linearizability.LINEARIZABLE, verdict.result(), verdict::explain);
        assertEquals(5, verdict.stats().partitions());
    }

    @Test
    @Timeout(120)
    void tenThousandOperationsOfTwelveClientsWithBatchesTyingAllKeysTogether() {
        // One partition as wide as all clients: measured to be about the limit (eight clients take
        // 0.1 s; twelve, 1 to 3 s; sixteen do not finish within two million states).
        History history = SimulatedStore.run(new SimulatedStore.Settings(42, 12, 10_000, List.of("a", "b", "c", "d", "e"),
                0.02, 0.01, 0.05));

        Verdict verdict = LinearizabilityChecker.check(history, OPTIONS);

        System.out.println(verdict.explain());
        assertEquals(Linearizability.LINEARIZABLE, verdict.result(), verdict::explain);
        assertEquals(1, verdict.stats().partitions());
    }

    @Test
    @Timeout(180)
    void oneImpossibleReadInTenThousandOperationsIsFoundAndShownAlone() {
        // Proving this by the full search alone means exhausting every configuration before the
        // read, often beyond the bound; the window search proves it around where the search stopped.
        for (long seed = 1; seed <= 2; seed++) {
            History history = SimulatedStore.run(new SimulatedStore.Settings(seed, 16, 10_000, List.of("a", "b", "c", "d", "e"),
                    0.02, 0.01, 0));
            SimulatedStore.Mutation bad = SimulatedStore.mutateOneRead(history, new Random(seed)).orElseThrow();

            Verdict verdict = LinearizabilityChecker.check(bad.history(), OPTIONS);

            System.out.println(verdict.explain());
            assertEquals(Linearizability.NOT_LINEARIZABLE, verdict.result(), verdict::explain);
            FailureWitness witness = verdict.firstWitness().orElseThrow();
            assertTrue(witness.operationIds().contains(bad.readId()), verdict::explain);
            assertTrue(witness.operations().size() <= 4, verdict::explain);
        }
    }
}
