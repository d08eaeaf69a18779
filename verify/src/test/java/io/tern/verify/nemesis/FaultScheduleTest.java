package io.tern.verify.nemesis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The schedule and its targets as pure functions of the seed: no cluster, no clock. */
class FaultScheduleTest {

    static final Timing TIMING = Timing.DEFAULT;
    static final List<Fault> ALL = Faults.ALL;

    @Test
    void theSameSeedGivesTheSameKindsTimesAndTargets() {
        List<FaultStep> first = new FaultSchedule(1234, ALL, TIMING, true, true).next(200);
        List<FaultStep> second = new FaultSchedule(1234, ALL, TIMING, true, true).next(200);
        assertEquals(first, second);
        assertEquals(targets(first, List.of(1, 2, 3), OptionalInt.of(2)),
                targets(second, List.of(3, 1, 2), OptionalInt.of(2)), "member order does not matter");
    }

    @Test
    void aSeedMeansTheScheduleItAlwaysMeant() {
        // Drawn before the faults became objects: a seed printed by an older run must replay the same faults.
        List<String> expected = List.of(
                "transfer/random-follower 1112 2679 -897291810407650440",
                "disk-full/disk-low 1144 1238 -7059309252009319304",
                "slow/all-nodes 1757 1579 4436306702629809313",
                "snapshot/snapshot-now 2613 3279 2704047445442785958",
                "transfer/random-follower 1478 3191 7186313489167333321",
                "kill-majority/majority 1671 3865 4723133697020308975",
                "one-way/mute-leader 2180 2412 6057747152094821123",
                "disk-full/disk-low 1400 3187 -5972449045428855411",
                "kill/random-node 1224 2433 1989801515270336146",
                "kill-leader/leader 2381 3095 -6957954295866147666",
                "one-way/mute-random 2426 2814 -6236829245326541712",
                "one-way/deaf-random 2605 1489 454360589977111031",
                "snapshot/lagging-follower 2415 2068 7508660556237944778",
                "slow/random-node 2184 3091 1351339074818975485",
                "slow/leader 1891 3572 -3767216312275229567",
                "slow/leader 2976 1608 -6573153310512674869");
        List<String> drawn = new ArrayList<>();
        for (FaultStep step : new FaultSchedule(1234, ALL, TIMING, true, true).next(expected.size())) {
            drawn.add(step.fault().name() + "/" + step.variant().name().toLowerCase(java.util.Locale.ROOT)
                    .replace('_', '-') + " " + step.quiet().toMillis() + " " + step.active().toMillis() + " "
                    + step.pick());
        }
        assertEquals(expected, drawn);
    }

    @Test
    void anotherSeedGivesAnotherSchedule() {
        assertNotEquals(new FaultSchedule(1, ALL, TIMING, true, true).next(20),
                new FaultSchedule(2, ALL, TIMING, true, true).next(20));
    }

    @Test
    void theOrderOfTheKindsGivenDoesNotMatter() {
        List<Fault> forward = List.of(Faults.KILL, Faults.PAUSE, Faults.SLOW);
        List<Fault> backward = List.of(Faults.SLOW, Faults.PAUSE, Faults.KILL);
        assertEquals(new FaultSchedule(9, forward, TIMING, true, true).next(50),
                new FaultSchedule(9, backward, TIMING, true, true).next(50));
    }

    @Test
    void onlyEnabledKindsAppearEachOfThemDoesAndDrawsStayInTheirRanges() {
        Set<Fault> enabled = Set.of(Faults.PARTITION, Faults.ONE_WAY, Faults.SLOW);
        Set<Fault> seenKinds = new HashSet<>();
        Set<FaultVariant> seenVariants = EnumSet.noneOf(FaultVariant.class);
        List<FaultStep> steps = new FaultSchedule(77, enabled, TIMING, true, true).next(300);
        for (int i = 0; i < steps.size(); i++) {
            FaultStep step = steps.get(i);
            assertEquals(i + 1, step.number());
            assertTrue(enabled.contains(step.fault()), step::toString);
            assertTrue(step.fault().forms().contains(step.variant()), step::toString);
            seenKinds.add(step.fault());
            seenVariants.add(step.variant());
            assertBetween(step.quiet(), TIMING.quietMin(), TIMING.quietMax());
            assertBetween(step.active(), TIMING.activeMin(), TIMING.activeMax());
            assertBetween(step.latency(), Duration.ofMillis(10), Duration.ofMillis(200));
            assertTrue(step.jitter().compareTo(step.latency().dividedBy(2)) <= 0, step::toString);
        }
        assertEquals(enabled, seenKinds);
        Set<FaultVariant> all = new HashSet<>();
        enabled.forEach(kind -> all.addAll(kind.forms()));
        assertEquals(all, seenVariants, "every form of every enabled fault is drawn");
    }

    @Test
    void withoutProcessOrNetworkControlOnlyProtocolFaultsAreScheduled() {
        Set<Fault> protocolOnly = Set.of(Faults.MEMBERSHIP, Faults.TRANSFER, Faults.SNAPSHOT);
        for (FaultStep step : new FaultSchedule(5, protocolOnly, TIMING, false, false).next(100)) {
            assertTrue(Set.of(FaultVariant.REMOVE_AND_READD, FaultVariant.RANDOM_FOLLOWER, FaultVariant.SNAPSHOT_NOW)
                    .contains(step.variant()), step::toString);
        }
        IllegalArgumentException kill = assertThrows(IllegalArgumentException.class,
                () -> new FaultSchedule(5, Set.of(Faults.KILL), TIMING, false, false));
        assertTrue(kill.getMessage().contains("'kill' needs control of the nodes' processes"), kill.getMessage());
        IllegalArgumentException slow = assertThrows(IllegalArgumentException.class,
                () -> new FaultSchedule(5, Set.of(Faults.SLOW), TIMING, false, false));
        assertTrue(slow.getMessage().contains("'slow' needs a proxy"), slow.getMessage());
        assertFalse(slow.getMessage().contains("\n"));
    }

    @Test
    void targetsFollowTheVariant() {
        List<Integer> three = List.of(1, 2, 3);
        List<Integer> five = List.of(1, 2, 3, 4, 5);
        OptionalInt leader = OptionalInt.of(3);
        for (long pick = 0; pick < 50; pick++) {
            assertEquals(List.of(3), resolve(FaultVariant.LEADER, pick, three, leader));
            assertEquals(List.of(3), resolve(FaultVariant.DEAF_LEADER, pick, three, leader));
            assertEquals(2, resolve(FaultVariant.MAJORITY, pick, three, leader).size());
            assertEquals(3, Set.copyOf(resolve(FaultVariant.MAJORITY, pick, five, leader)).size());
            assertEquals(1, resolve(FaultVariant.MINORITY, pick, three, leader).size());
            assertEquals(2, Set.copyOf(resolve(FaultVariant.MINORITY, pick, five, leader)).size());
            assertEquals(five, resolve(FaultVariant.ALL_NODES, pick, five, leader));
            assertFalse(resolve(FaultVariant.RANDOM_FOLLOWER, pick, three, leader).contains(3));
            assertFalse(resolve(FaultVariant.LAGGING_FOLLOWER, pick, three, leader).contains(3));
            List<Integer> snapshot = resolve(FaultVariant.SNAPSHOT_NOW, pick, three, leader);
            assertEquals(3, snapshot.getFirst());
            assertEquals(2, Set.copyOf(snapshot).size());
            assertEquals(resolve(FaultVariant.RANDOM_NODE, pick, three, leader),
                    resolve(FaultVariant.RANDOM_NODE, pick, List.of(3, 2, 1), leader));
            assertEquals(resolve(FaultVariant.RANDOM_NODE, pick, three, leader),
                    resolve(FaultVariant.DISK_LOW, pick, three, leader));
            assertEquals(resolve(FaultVariant.RANDOM_NODE, pick, three, leader),
                    resolve(FaultVariant.DISK_FILLED, pick, three, leader));
        }
        assertEquals(1, resolve(FaultVariant.LEADER, 7, three, OptionalInt.empty()).size(),
                "with no leader known, a random node");
        assertEquals(List.of(), resolve(FaultVariant.ADD_AND_REMOVE, 7, three, leader));
        Set<Integer> drawn = new HashSet<>();
        for (long pick = 0; pick < 50; pick++) {
            drawn.addAll(resolve(FaultVariant.RANDOM_NODE, pick, three, leader));
        }
        assertEquals(Set.of(1, 2, 3), drawn, "every node gets its turn");
    }

    @Test
    void faultNamesParseFromTheCommandLine() {
        assertEquals(Set.of(Faults.KILL, Faults.PAUSE, Faults.PARTITION),
                Faults.parseList("kill, pause,partition,kill"));
        assertEquals(Set.of(Faults.KILL_LEADER, Faults.ONE_WAY),
                Faults.parseList("KILL_LEADER,one_way"));
        assertEquals(Set.of(Faults.KILL), Faults.parseList("kill_random"), "the name kill had as a constant");
        assertEquals(List.of(Faults.KILL, Faults.SLOW), List.copyOf(Faults.parseList("slow,kill")),
                "in schedule order");
        assertEquals(Set.copyOf(Faults.ALL), Faults.parseList("all"));
        assertEquals(Set.of(), Faults.parseList(""));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Faults.parseList("kill,bogus"));
        assertEquals("unknown fault 'bogus'; known: kill, kill-leader, kill-majority, pause, partition, one-way, slow, "
                + "membership, transfer, snapshot, oversize, disk-full, or all", unknown.getMessage());
        assertEquals(Faults.ALL.size(), Faults.help().size());
    }

    private static List<Integer> resolve(FaultVariant variant, long pick, List<Integer> members, OptionalInt leader) {
        Fault kind = Faults.ALL.stream().filter(k -> k.forms().contains(variant))
                .findFirst().orElseThrow();
        FaultStep step = new FaultStep(1, kind, variant, pick, Duration.ZERO, Duration.ZERO, Duration.ZERO,
                Duration.ZERO);
        return Targets.resolve(step, members, leader);
    }

    private static List<List<Integer>> targets(List<FaultStep> steps, List<Integer> members, OptionalInt leader) {
        List<List<Integer>> targets = new ArrayList<>();
        for (FaultStep step : steps) {
            targets.add(Targets.resolve(step, members, leader));
        }
        return targets;
    }

    private static void assertBetween(Duration value, Duration min, Duration max) {
        assertTrue(value.compareTo(min) >= 0 && value.compareTo(max) <= 0, value + " not in " + min + ".." + max);
    }
}
