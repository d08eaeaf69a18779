package io.tern.server.process;

import io.tern.verify.cluster.LocalCluster;
import io.tern.chaos.FaultProxy;
import io.tern.chaos.FaultProxy.Direction;
import io.tern.client.GetResult;
import io.tern.client.ReadOptions;
import io.tern.client.ServerStatus;
import io.tern.client.TernClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import static io.tern.server.process.WriteLoad.bytes;
import static io.tern.server.process.WriteLoad.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seed's three cases on a 5-node cluster of real processes started through {@code bin/tern}:
 * put/get through every node (TC_01), put/get while the leader is killed with SIGKILL (TC_02), and
 * put/get on a slow network, a {@link FaultProxy} in front of each node (TC_03).
 */
@Tag("process")
class SeedCasesProcessTest {

    /** Five JVMs on a small machine: starting them all and electing takes a while. */
    private static final Duration FIRST_LEADER = Duration.ofSeconds(45);

    @RegisterExtension
    final LogsOnFailure logs = new LogsOnFailure();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void tc01PutThroughEachNodeIsReadThroughEveryNode() {
        try (LocalCluster cluster = logs.watch(LocalCluster.start(dir, ProcessNodes.options(5)))) {
            cluster.awaitLeader(FIRST_LEADER);
            putThroughEachNodeAndReadEverywhere(cluster, "tc01", null);
        }
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void tc02LeaderKilledWithSigkillUnderLoadLosesNothingAcknowledged() throws Exception {
        try (LocalCluster cluster = logs.watch(LocalCluster.start(dir, ProcessNodes.options(5)))) {
            int oldLeader = cluster.awaitLeader(FIRST_LEADER);
            try (TernClient client = cluster.client(Duration.ofSeconds(5));
                 WriteLoad load = new WriteLoad(client, "tc02", 4).start()) {
                load.awaitAcknowledged(200, Duration.ofSeconds(30));

                cluster.kill9(oldLeader);
                long dead = System.nanoTime();
                int newLeader = cluster.awaitLeader(Duration.ofSeconds(20), id -> id != oldLeader);
                long elected = System.nanoTime();
                OptionalLong firstAck = load.awaitAckSentAfter(dead, Duration.ofSeconds(30));
                assertTrue(firstAck.isPresent(), "no write sent after the leader died was acknowledged within 30 s ("
                        + load.summary() + ")");
                long recoveryMillis = TimeUnit.NANOSECONDS.toMillis(firstAck.getAsLong() - dead);
                long bound = 10 * cluster.electionTimeout().toMillis();
                assertTrue(recoveryMillis < bound, "writes resumed " + recoveryMillis + " ms after the leader died, over "
                        + bound + " ms (10 election timeouts)");
                int before = load.acknowledgedCount();
                load.awaitAcknowledged(before + 100, Duration.ofSeconds(30));
                load.stop();
                load.assertNoUnexpectedErrors();
                load.verify(client);
                System.out.printf("TC_02: leader %d killed, %d elected after %d ms, writes resumed after %d ms; %s%n",
                        oldLeader, newLeader, TimeUnit.NANOSECONDS.toMillis(elected - dead), recoveryMillis, load.summary());

                // The killed node comes back on its data directory and catches up.
                long commit = cluster.statuses().values().stream().mapToLong(ServerStatus::commitIndex).max().orElseThrow();
                cluster.restart(oldLeader);
                cluster.awaitApplied(oldLeader, commit, Duration.ofSeconds(60));
                try (TernClient restarted = cluster.client(Duration.ofSeconds(10), oldLeader)) {
                    load.verify(restarted, ReadOptions.localAtLeast(commit));
                }
            }
        }
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void tc03PutGetOnASlowNetworkThroughAProxyInFrontOfEachNode() throws Exception {
        long seed = Long.getLong("tern.proxy.seed", System.nanoTime());
        Duration latency = Duration.ofMillis(20);
        Duration jitter = Duration.ofMillis(10);
        LocalCluster cluster = logs.watch(LocalCluster.create(dir, ProcessNodes.options(5).proxies(true).proxySeed(seed)));
        try (cluster) {
            for (int id : cluster.nodeIds()) {
                cluster.proxy(id).setDelay(latency, jitter);
            }
            cluster.startNodes();
            cluster.awaitLeader(FIRST_LEADER);

            // Client -> proxy -> node and at least one replication round trip, each way >= latency - jitter.
            Duration minimumPut = latency.minus(jitter).multipliedBy(4);
            putThroughEachNodeAndReadEverywhere(cluster, "tc03", minimumPut);

            try (TernClient client = cluster.client(Duration.ofSeconds(10));
                 WriteLoad load = new WriteLoad(client, "tc03-load", 4).start()) {
                load.awaitAcknowledged(100, Duration.ofSeconds(60));
                load.stop();
                load.assertNoUnexpectedErrors();
                load.verify(client);
                System.out.printf("TC_03 (proxy seed %d, %d ± %d ms each way): %s%n", seed, latency.toMillis(),
                        jitter.toMillis(), load.summary());
            }
            for (int id : cluster.nodeIds()) {
                FaultProxy proxy = cluster.proxy(id);
                assertTrue(proxy.bytesForwarded(Direction.TO_UPSTREAM) > 0 && proxy.bytesForwarded(Direction.FROM_UPSTREAM) > 0,
                        "no traffic went through " + proxy);
            }
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + " (replay the jitter: -Dtern.proxy.seed=" + seed + ")", e);
        }
    }

    /**
     * For each node: a put through a client that knows only that node (which forwards to the
     * leader), then a linearizable get and a LOCAL get at the put's revision through every node.
     */
    private static void putThroughEachNodeAndReadEverywhere(LocalCluster cluster, String prefix, Duration minimumPut) {
        List<TernClient> clients = new ArrayList<>();
        try {
            for (int id : cluster.nodeIds()) {
                clients.add(cluster.client(Duration.ofSeconds(10), id));
            }
            for (int writer : cluster.nodeIds()) {
                String key = prefix + "-via-" + writer;
                String value = "value of " + key + " @" + System.nanoTime();
                long start = System.nanoTime();
                long revision = clients.get(writer - 1).put(bytes(key), bytes(value));
                long putNanos = System.nanoTime() - start;
                assertTrue(revision > 0, "a put's revision must be positive: " + revision);
                if (minimumPut != null) {
                    assertTrue(putNanos >= minimumPut.toNanos(), "a put through node " + writer + " took "
                            + putNanos / 1e6 + " ms, less than the network delay of " + minimumPut.toMillis() + " ms");
                }
                for (int reader : cluster.nodeIds()) {
                    TernClient client = clients.get(reader - 1);
                    GetResult linearizable = client.get(bytes(key));
                    String where = key + " (revision " + revision + ") read through node " + reader;
                    assertTrue(linearizable.found(), where + ", linearizable: not found");
                    assertEquals(value, text(linearizable.value()), where + ", linearizable");
                    assertTrue(linearizable.revision() >= revision, where + ", linearizable: revision " + linearizable.revision());

                    GetResult local = client.get(bytes(key), ReadOptions.localAtLeast(revision));
                    assertTrue(local.found(), where + ", local: not found");
                    assertEquals(value, text(local.value()), where + ", local");
                    assertTrue(local.revision() >= revision, where + ", local: revision " + local.revision());
                }
            }
        } finally {
            clients.forEach(TernClient::close);
        }
    }
}
