package io.tern.server.process;

import io.tern.verify.cluster.LocalCluster;
import io.tern.client.GetResult;
import io.tern.client.OutcomeUnknownException;
import io.tern.client.ReadOptions;
import io.tern.client.ServerStatus;
import io.tern.client.TernClient;
import io.tern.client.UnavailableException;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static io.tern.server.process.WriteLoad.bytes;
import static io.tern.server.process.WriteLoad.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Real processes killed with SIGKILL beyond what a cluster can absorb: a lost quorum must refuse
 * writes rather than acknowledge them, and a crash of every node at once must lose nothing that
 * was acknowledged.
 */
@Tag("process")
class CrashProcessTest {

    private static final Duration FIRST_LEADER = Duration.ofSeconds(45);

    @RegisterExtension
    final LogsOnFailure logs = new LogsOnFailure();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void withThreeOfFiveKilledIncludingTheLeaderNoWriteSucceedsAndTheClusterServesAgainWhenTheyReturn() {
        try (LocalCluster cluster = logs.watch(LocalCluster.start(dir, ProcessNodes.options(5)))) {
            int leader = cluster.awaitLeader(FIRST_LEADER);
            try (TernClient all = cluster.client(Duration.ofSeconds(10))) {
                all.put(bytes("lq-before"), bytes("acknowledged with a quorum"));
            }
            List<Integer> victims = new ArrayList<>(List.of(leader));
            cluster.nodeIds().stream().filter(id -> id != leader).limit(2).forEach(victims::add);
            int[] survivors = cluster.nodeIds().stream().filter(id -> !victims.contains(id)).mapToInt(Integer::intValue).toArray();
            cluster.kill9(victims.stream().mapToInt(Integer::intValue).toArray());

            List<String> refused = new ArrayList<>();
            try (TernClient client = cluster.client(Duration.ofSeconds(3), survivors)) {
                // Two waves: one while the survivors may still believe in the dead leader, one after
                // they have had several election timeouts to notice they cannot elect anyone.
                for (int wave = 0; wave < 2; wave++) {
                    List<String> keys = new ArrayList<>();
                    List<CompletableFuture<Long>> writes = new ArrayList<>();
                    for (int i = 0; i < 5; i++) {
                        String key = "lq-" + wave + "-" + i;
                        keys.add(key);
                        writes.add(client.putAsync(bytes(key), bytes("must not be acknowledged")));
                    }
                    for (int i = 0; i < writes.size(); i++) {
                        String key = keys.get(i);
                        try {
                            long revision = writes.get(i).orTimeout(30, TimeUnit.SECONDS).join();
                            fail("write " + key + " was acknowledged (revision " + revision + ") by 2 of 5 nodes");
                        } catch (CompletionException e) {
                            Throwable cause = e.getCause();
                            if (cause instanceof UnavailableException) {
                                refused.add(key);
                            } else if (!(cause instanceof OutcomeUnknownException)) {
                                throw new AssertionError("write " + key + " failed with " + cause
                                        + ", expected UNAVAILABLE or an unknown outcome (TIMEOUT)", cause);
                            }
                        }
                    }
                }
            }

            for (int victim : victims) {
                cluster.restart(victim);
            }
            cluster.awaitLeader(FIRST_LEADER);
            try (TernClient client = cluster.client(Duration.ofSeconds(10))) {
                long revision = client.put(bytes("lq-after"), bytes("served again"));
                assertEquals("served again", text(client.get(bytes("lq-after")).value()));
                GetResult before = client.get(bytes("lq-before"));
                assertTrue(before.found(), "the write acknowledged before the crash is gone");
                assertEquals("acknowledged with a quorum", text(before.value()));
                for (String key : refused) {
                    assertFalse(client.get(bytes(key)).found(), key + " was refused as UNAVAILABLE but was applied");
                }
                cluster.awaitAllApplied(revision, Duration.ofSeconds(60));
                System.out.printf("lost quorum: killed %s, survivors %s; %d of 10 writes refused as UNAVAILABLE, the rest outcome unknown%n",
                        victims, IntStream.of(survivors).boxed().toList(), refused.size());
            }
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyNodeKilledAtOnceUnderWriteLoadWithFsyncAlwaysKeepsEveryAcknowledgedWrite() throws Exception {
        try (LocalCluster cluster = logs.watch(LocalCluster.start(dir, ProcessNodes.options(3).fsync("always")))) {
            cluster.awaitLeader(FIRST_LEADER);
            WriteLoad load;
            try (TernClient client = cluster.client(Duration.ofSeconds(3))) {
                load = new WriteLoad(client, "crash", 4).start();
                try (load) {
                    load.awaitAcknowledged(300, Duration.ofSeconds(30));
                    cluster.kill9All();
                    load.stop();
                }
            }
            load.assertNoUnexpectedErrors();
            for (int id : cluster.nodeIds()) {
                cluster.restart(id);
            }
            cluster.awaitLeader(FIRST_LEADER);
            try (TernClient reader = cluster.client(Duration.ofSeconds(10))) {
                load.verify(reader);
            }
            long commit = cluster.statuses().values().stream().mapToLong(ServerStatus::commitIndex).max().orElseThrow();
            cluster.awaitAllApplied(commit, Duration.ofSeconds(60));
            // And each node's own state, not only the leader's, holds them.
            for (int id : cluster.nodeIds()) {
                try (TernClient local = cluster.client(Duration.ofSeconds(10), id)) {
                    load.verify(local, ReadOptions.localAtLeast(commit));
                }
            }
            System.out.printf("crash of all 3 nodes: %s%n", load.summary());
        }
    }
}
