package io.tern.verify.nemesis;

import io.tern.client.ServerStatus;
import io.tern.client.TernClient;
import io.tern.client.TernException;
import io.tern.verify.cluster.Await;
import io.tern.verify.cluster.ExternalCluster;
import io.tern.verify.cluster.LocalCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every fault against one live 3-node cluster under a light write load, each followed by
 * {@link Nemesis#stopAndHeal} and a write and read that must work; then the schedule on its own
 * thread. Snapshots every 200 entries, so compaction happens during the run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class NemesisLiveTest {

    static final Duration HEALTHY = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    LocalCluster cluster;
    final AtomicBoolean writing = new AtomicBoolean(true);
    final AtomicLong written = new AtomicLong();
    Thread writer;

    @RegisterExtension
    final AfterTestExecutionCallback logsOnFailure = context -> context.getExecutionException().ifPresent(failure -> {
        if (cluster != null) {
            String logs = cluster.describe();
            System.out.println(context.getDisplayName() + " failed:" + logs);
            failure.addSuppressed(new AssertionError(logs));
        }
    });

    @BeforeAll
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void startClusterAndLoad() {
        cluster = LocalCluster.start(dir.resolve("cluster"), new LocalCluster.Config().nodes(3).proxySeed(7)
                .fsync("never").snapshotEntries(200));
        writer = Thread.ofPlatform().daemon().name("test-writer").start(this::write);
    }

    /** Puts at about 200 a second, whatever fails: load, so a cut-off follower falls behind. */
    private void write() {
        try (TernClient client = TernClient.builder().endpoints(cluster.endpoints())
                .requestTimeout(Duration.ofSeconds(2)).build()) {
            for (long i = 0; writing.get(); i++) {
                try {
                    client.put(bytes("load-" + (i % 64)), bytes(Long.toString(i)));
                    written.incrementAndGet();
                } catch (TernException e) {
                    // Faults make writes fail; the load only has to go on.
                }
                try {
                    Thread.sleep(5); // pacing of the load, not a wait for anything
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    @AfterAll
    void stop() throws InterruptedException {
        writing.set(false);
        if (writer != null) {
            writer.join(10_000);
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void noCrash() {
        assertEquals(List.of(), cluster.unexpectedExits(), "only the nemesis may stop a node");
    }

    static Stream<Arguments> everyFault() {
        return Stream.of(
                Arguments.of(Faults.KILL, FaultVariant.RANDOM_NODE),
                Arguments.of(Faults.KILL_LEADER, FaultVariant.LEADER),
                Arguments.of(Faults.KILL_MAJORITY, FaultVariant.MAJORITY),
                Arguments.of(Faults.PAUSE, FaultVariant.LEADER),
                Arguments.of(Faults.PARTITION, FaultVariant.LEADER),
                Arguments.of(Faults.ONE_WAY, FaultVariant.DEAF_LEADER),
                Arguments.of(Faults.ONE_WAY, FaultVariant.MUTE_RANDOM),
                Arguments.of(Faults.SLOW, FaultVariant.ALL_NODES),
                Arguments.of(Faults.MEMBERSHIP, FaultVariant.REMOVE_AND_READD),
                Arguments.of(Faults.MEMBERSHIP, FaultVariant.ADD_AND_REMOVE),
                Arguments.of(Faults.TRANSFER, FaultVariant.RANDOM_FOLLOWER),
                Arguments.of(Faults.SNAPSHOT, FaultVariant.LAGGING_FOLLOWER),
                Arguments.of(Faults.SNAPSHOT, FaultVariant.SNAPSHOT_NOW));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyFault")
    void eachFaultBitesAndTheClusterIsHealthyAfterwards(Fault kind, FaultVariant variant) {
        long origin = System.nanoTime();
        Nemesis nemesis = Nemesis.create(cluster, Set.of(kind), 1, Timing.DEFAULT, origin);
        int leader = cluster.awaitLeader(HEALTHY);
        FaultStep step = new FaultStep(1, kind, variant, 42, Duration.ZERO, Duration.ofSeconds(2),
                Duration.ofMillis(100), Duration.ofMillis(30));

        FaultEvent on = nemesis.inject(step);
        assertNull(on.error(), on::toString);
        assertTrue(on.isOpen());
        List<Integer> targets = on.targets();
        assertFalse(targets.isEmpty(), on::toString);
        switch (kind.name()) {
            case "kill", "kill-majority" -> {
                assertEquals(kind == Faults.KILL_MAJORITY ? 2 : 1, targets.size());
                targets.forEach(id -> assertFalse(cluster.isRunning(id), "node " + id + " killed"));
            }
            case "kill-leader" -> {
                assertEquals(List.of(leader), targets);
                assertFalse(cluster.isRunning(leader));
                cluster.awaitLeader(HEALTHY, id -> id != leader);
            }
            case "pause" -> {
                assertEquals(List.of(leader), targets);
                assertTrue(cluster.isPaused(leader));
                cluster.awaitLeader(HEALTHY, id -> id != leader);
            }
            case "partition" -> {
                assertEquals(List.of(leader), targets);
                cluster.awaitLeader(HEALTHY, id -> id != leader);
            }
            case "one-way" -> {
                if (variant == FaultVariant.DEAF_LEADER) {
                    cluster.awaitLeader(HEALTHY, id -> id != leader);
                } else {
                    int mute = targets.getFirst();
                    try (TernClient client = TernClient.builder().endpoints(List.of(cluster.endpoint(mute)))
                            .discoverLeader(false).requestTimeout(Duration.ofSeconds(1)).build()) {
                        assertThrows(TernException.class, () -> client.get(bytes("load-1")));
                    }
                }
            }
            case "slow" -> assertEquals(List.of(1, 2, 3), targets);
            case "membership" -> {
                if (variant == FaultVariant.REMOVE_AND_READD) {
                    int removed = targets.getFirst();
                    assertNotEquals(leader, removed);
                    assertFalse(cluster.isRunning(removed));
                    assertFalse(cluster.nodeIds().contains(removed));
                } else {
                    int added = targets.getFirst();
                    assertTrue(added > 3);
                    assertTrue(cluster.status(cluster.awaitLeader(HEALTHY)).orElseThrow().hasVoter(added));
                }
            }
            case "transfer" -> {
                int target = targets.getFirst();
                assertNotEquals(leader, target);
                assertEquals(target, cluster.awaitLeader(HEALTHY, id -> id == target));
            }
            case "snapshot" -> {
                if (variant == FaultVariant.LAGGING_FOLLOWER) {
                    assertNotEquals(leader, (int) targets.getFirst());
                    // Whether the leader could compact past the follower depends on its log files
                    // (whole ones are freed); the event must say which way the follower catches up.
                    assertTrue(on.details().contains("catch-up needs InstallSnapshot")
                            || on.details().contains("catch-up from the log"), on::toString);
                } else {
                    assertEquals(leader, (int) targets.getFirst());
                    assertEquals(2, targets.size());
                }
            }
            default -> throw new AssertionError("no check for fault " + kind);
        }

        long compactedTo = cluster.status(leader).map(ServerStatus::snapshotIndex).orElse(0L);

        FaultEvent healed = nemesis.heal().orElseThrow();
        assertNull(healed.error(), healed::toString);
        assertFalse(healed.isOpen());
        System.out.println(healed);
        assertTrue(healed.endNanos() >= healed.startNanos());
        if (variant == FaultVariant.LAGGING_FOLLOWER && on.details().contains("needs InstallSnapshot")) {
            int follower = targets.getFirst();
            assertTrue(healed.details().contains("installed from the leader"), healed::toString);
            long installed = cluster.status(follower).orElseThrow().snapshotIndex();
            assertTrue(installed >= compactedTo, "the follower, behind the leader's compaction, installed its snapshot "
                    + compactedTo + ": its snapshot index is " + installed);
        }

        nemesis.stopAndHeal(HEALTHY);
        assertHealthy();
        assertEquals(1, nemesis.events().size());
        assertEquals(1, nemesis.counts().get(kind));
    }

    @Test
    void theScheduleRunsOnItsOwnAndStopAndHealLeavesTheClusterHealthy() {
        long origin = System.nanoTime();
        Timing fast = new Timing(Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(300),
                Duration.ofMillis(700));
        Nemesis nemesis = Nemesis.create(cluster, Set.copyOf(Faults.ALL), 2026, fast, origin);
        try (LeaderTracker tracker = LeaderTracker.start(cluster, origin)) {
            nemesis.start();
            Await.until("four faults", HEALTHY, () -> nemesis.events().size() >= 4);
            nemesis.stopAndHeal(HEALTHY);
            assertHealthy();
            assertFalse(tracker.changes().isEmpty(), "the tracker saw a leader");
        }
        List<FaultEvent> events = nemesis.events();
        events.forEach(System.out::println);
        FaultSchedule replay = new FaultSchedule(2026, Set.copyOf(Faults.ALL), fast, true, true);
        for (FaultEvent event : events) {
            assertFalse(event.isOpen(), event::toString);
            FaultStep step = replay.next();
            assertEquals(step.number(), event.number());
            assertEquals(step.fault(), event.fault(), "the thread runs the seeded schedule");
            assertEquals(step.variant(), event.variant());
        }
        for (int i = 1; i < events.size(); i++) {
            assertTrue(events.get(i).startNanos() >= events.get(i - 1).endNanos(), "one fault at a time");
        }
    }

    @Test
    void theTrackerRecordsALeadershipTransfer() {
        long origin = System.nanoTime();
        try (LeaderTracker tracker = LeaderTracker.start(cluster, origin)) {
            int leader = cluster.awaitLeader(HEALTHY);
            Await.until("the tracker to see leader " + leader, HEALTHY,
                    () -> !tracker.changes().isEmpty() && tracker.changes().getLast().leaderId() == leader);
            int target = cluster.nodeIds().stream().filter(id -> id != leader).findFirst().orElseThrow();
            cluster.transferLeader(target);
            Await.until("the tracker to see leader " + target, HEALTHY,
                    () -> tracker.changes().getLast().leaderId() == target);
            assertTrue(tracker.leaderChanges() >= 1);
            LeaderTracker.LeaderChange last = tracker.changes().getLast();
            assertTrue(last.term() > tracker.changes().getFirst().term());
            assertTrue(last.atNanos() > 0);
        }
    }

    @Test
    void anExternalClusterGetsOnlyProtocolFaults() {
        try (ExternalCluster external = ExternalCluster.attach(cluster.endpoints(), HEALTHY)) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> Nemesis.create(external, Set.of(Faults.PAUSE), 1, Timing.DEFAULT, 0));
            assertTrue(refused.getMessage().contains("'pause' needs control of the nodes' processes"));
            Nemesis nemesis = Nemesis.create(external, Set.of(Faults.MEMBERSHIP), 3, Timing.DEFAULT,
                    System.nanoTime());
            FaultStep step = nemesis.schedule().next();
            assertEquals(FaultVariant.REMOVE_AND_READD, step.variant());
            FaultEvent on = nemesis.inject(step);
            assertNull(on.error(), on::toString);
            int removed = on.targets().getFirst();
            assertTrue(cluster.isRunning(removed), "with --endpoints a removed member keeps running");
            assertFalse(cluster.status(external.awaitLeader(HEALTHY)).orElseThrow().hasMember(removed));
            FaultEvent healed = nemesis.heal().orElseThrow();
            assertNull(healed.error(), healed::toString);
            nemesis.stopAndHeal(HEALTHY);
            assertTrue(cluster.status(external.awaitLeader(HEALTHY)).orElseThrow().hasVoter(removed));
        }
        assertHealthy();
    }

    /** All three original nodes run, are voters, have caught up, and a write is read back. */
    private void assertHealthy() {
        assertEquals(List.of(1, 2, 3), cluster.nodeIds());
        for (int id : cluster.nodeIds()) {
            assertTrue(cluster.isRunning(id) && !cluster.isPaused(id), "node " + id + " runs");
        }
        int leader = cluster.awaitLeader(HEALTHY);
        assertEquals(List.of(1L, 2L, 3L), cluster.status(leader).orElseThrow().voterIds());
        try (TernClient client = TernClient.builder().endpoints(cluster.endpoints())
                .requestTimeout(Duration.ofSeconds(20)).build()) {
            byte[] value = bytes("healthy-" + System.nanoTime());
            long revision = client.put(bytes("health"), value);
            assertArrayEquals(value, client.get(bytes("health")).value());
            cluster.awaitCaughtUp(HEALTHY);
            for (int id : cluster.nodeIds()) {
                assertTrue(cluster.status(id).orElseThrow().appliedIndex() >= revision);
            }
        }
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
