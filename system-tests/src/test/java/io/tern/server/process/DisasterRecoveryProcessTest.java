package io.tern.server.process;

import io.tern.cli.TernCli;
import io.tern.client.ReadOptions;
import io.tern.client.ServerStatus;
import io.tern.client.TernClient;
import io.tern.verify.cluster.LocalCluster;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.tern.server.process.WriteLoad.bytes;
import static io.tern.server.process.WriteLoad.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator's ways back, with real processes started through {@code bin/tern}: a backup saved
 * under load and restored into a new cluster, and a lone survivor of a lost quorum made a new
 * cluster with {@code --force-new-cluster}, then grown back to three members.
 */
@Tag("process")
class DisasterRecoveryProcessTest {

    private static final Duration LEADER = Duration.ofSeconds(30);

    @RegisterExtension
    final LogsOnFailure logs = new LogsOnFailure();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    @Timeout(120)
    void aBackupSavedUnderLoadHoldsEveryEarlierAcknowledgedWriteAndRestoresIntoANewCluster() throws Exception {
        Path backup = dir.resolve("backup.tern");
        Map<String, WriteLoad.Ack> acknowledgedBefore;
        String oldClusterId;
        try (LocalCluster source = logs.watch(LocalCluster.start(dir.resolve("source"), ProcessNodes.options(3)));
             TernClient client = source.client(Duration.ofSeconds(10));
             WriteLoad load = new WriteLoad(client, "bk", 4)) {
            int leader = source.awaitLeader(LEADER);
            int follower = source.nodeIds().stream().filter(id -> id != leader).findFirst().orElseThrow();
            load.start().awaitAcknowledged(300, Duration.ofSeconds(30));
            acknowledgedBefore = load.acknowledged();
            tern("backup", "save", backup.toString(), "--endpoints", source.endpoint(follower));
            load.awaitAcknowledged(acknowledgedBefore.size() + 100, Duration.ofSeconds(30));
            load.stop();
            load.assertNoUnexpectedErrors();
            oldClusterId = source.status(leader).orElseThrow().clusterId();
        }

        try (LocalCluster target = logs.watch(LocalCluster.create(dir.resolve("target"), ProcessNodes.options(3)))) {
            String members = target.nodeIds().stream().map(id -> id + "=" + target.endpoint(id))
                    .collect(Collectors.joining(","));
            for (int id : target.nodeIds()) {
                tern("backup", "restore", backup.toString(), "--data", target.dataDirectory(id).toString(),
                        "--id", Integer.toString(id), "--cluster", members);
            }
            target.startNodes();
            try (TernClient client = target.client(Duration.ofSeconds(10))) {
                List<String> missing = new ArrayList<>();
                for (WriteLoad.Ack ack : acknowledgedBefore.values()) {
                    var read = client.get(bytes(ack.key()));
                    if (!read.found() || !ack.value().equals(text(read.value()))) {
                        missing.add(ack.key());
                    }
                }
                assertEquals(List.of(), missing, "of " + acknowledgedBefore.size() + " writes acknowledged before the backup");
                client.put(bytes("after-restore"), bytes("accepted"));
                List<String> ids = target.statuses().values().stream().map(ServerStatus::clusterId).distinct().toList();
                assertEquals(1, ids.size(), "every restored member in one cluster: " + ids);
                assertNotEquals(oldClusterId, ids.getFirst(), "a restore makes a new cluster");
            }
        }
    }

    @Test
    @Timeout(120)
    void aSurvivorOfTwoLostMembersBecomesANewClusterWithItsDataAndGrowsBackToThree() throws Exception {
        try (LocalCluster cluster = logs.watch(LocalCluster.start(dir, ProcessNodes.options(3)))) {
            cluster.awaitLeader(LEADER);
            String oldClusterId;
            WriteLoad before;
            try (TernClient client = cluster.client(Duration.ofSeconds(10));
                 WriteLoad load = new WriteLoad(client, "old", 2)) {
                load.start().awaitAcknowledged(200, Duration.ofSeconds(30));
                load.stop();
                load.assertNoUnexpectedErrors();
                before = load;
                long last = load.acknowledged().values().stream().mapToLong(WriteLoad.Ack::revision).max().orElseThrow();
                // The operator keeps the survivor that has the most: here, one that has applied every acknowledged write.
                cluster.awaitApplied(1, last, Duration.ofSeconds(10));
                oldClusterId = cluster.status(1).orElseThrow().clusterId();
            }
            cluster.destroy(2);
            cluster.destroy(3);
            cluster.stop(1);
            cluster.restart(1, List.of("--force-new-cluster"));
            assertEquals(1, cluster.awaitLeader(LEADER));
            ServerStatus alone = cluster.status(1).orElseThrow();
            assertEquals(List.of(1L), alone.members().stream().map(ServerStatus.Member::id).toList());
            assertNotEquals(oldClusterId, alone.clusterId());

            try (TernClient client = cluster.client(Duration.ofSeconds(10), 1);
                 WriteLoad after = new WriteLoad(client, "new", 2)) {
                before.verify(client);
                after.start().awaitAcknowledged(50, Duration.ofSeconds(30));
                int fourth = cluster.addNode();
                int fifth = cluster.addNode();
                after.awaitAcknowledged(after.acknowledgedCount() + 50, Duration.ofSeconds(30));
                after.stop();
                after.assertNoUnexpectedErrors();
                ServerStatus grown = cluster.status(cluster.awaitLeader(LEADER)).orElseThrow();
                assertEquals(List.of(1L, (long) fourth, (long) fifth), grown.members().stream()
                        .filter(ServerStatus.Member::voter).map(ServerStatus.Member::id).toList());
                after.verify(client);
                long last = client.lastSeenRevision();
                cluster.awaitApplied(fifth, last, Duration.ofSeconds(20));
                try (TernClient newest = cluster.client(Duration.ofSeconds(10), fifth)) {
                    before.verify(newest, ReadOptions.localAtLeast(last));
                }
            }
        }
    }

    /** Runs {@code tern ARGS} in this JVM and fails with what it printed unless it exits 0. */
    private static void tern(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = TernCli.commandLine();
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int exit = command.execute(args);
        assertEquals(0, exit, () -> "tern " + String.join(" ", args) + " failed: " + err + out);
        assertTrue(out.toString().startsWith("OK "), out::toString);
    }
}
