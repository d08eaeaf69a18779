package io.tern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.client.TernClient;
import io.tern.client.TernClientBuilder;
import io.tern.engine.FsyncPolicy;
import io.tern.platform.HostPort;
import io.tern.platform.ListenPorts;
import io.tern.raft.core.Role;
import io.tern.server.ServerConfig;
import io.tern.server.TernServer;
import io.tern.verify.lock.LockWorkload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verifier's lock workload ({@code verify}'s {@link LockWorkload}) against three nodes in this JVM
 * (election timeout 500 ms: the least lease TTL is 1 s). It lives here because this module is the one
 * that sees both the verifier and the server.
 */
@Timeout(120)
class LockWorkloadClusterTest {

    @TempDir
    Path data;

    private final List<TernServer> servers = new ArrayList<>();
    private SortedMap<Long, String> cluster;

    @BeforeEach
    void startCluster() throws InterruptedException {
        cluster = new TreeMap<>();
        for (long id = 1; id <= 3; id++) {
            cluster.put(id, "127.0.0.1:" + ListenPorts.pick());
        }
        for (long id : cluster.keySet()) {
            servers.add(TernServer.start(new ServerConfig(id, data.resolve("node-" + id), cluster,
                    HostPort.parse(cluster.get(id)).resolved(), false, Duration.ofMillis(50), Duration.ofMillis(500),
                    FsyncPolicy.NEVER, 100_000, 64 * 1024, true, Duration.ofSeconds(3), 100, Duration.ofSeconds(10),
                    1024 * 1024, null, null, false, 0, Duration.ofSeconds(1))));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (servers.stream().noneMatch(s -> s.node().status().role() == Role.LEADER)) {
            assertTrue(System.nanoTime() < deadline, "no leader within 20 s");
            Thread.sleep(10);
        }
    }

    @AfterEach
    void stopCluster() {
        servers.forEach(TernServer::close);
    }

    private TernClientBuilder clients() {
        return TernClient.builder().endpoints(new ArrayList<>(cluster.values())).requestTimeout(Duration.ofSeconds(5));
    }

    @Test
    void holdersTakeTurnsAndAPausedHoldersWriteIsRefused() throws Exception {
        LockWorkload.Result result = LockWorkload.run(clients(),
                LockWorkload.Config.of(Duration.ofSeconds(5)).withTtlSeconds(1).withPauseProbability(0.2), 1);
        assertEquals(List.of(), result.anomalies(), result.summary());
        assertTrue(result.acquisitions() >= 10, result.summary());
        assertTrue(result.fencedWrites().size() >= result.acquisitions(), "one acknowledged write per turn at least: "
                + result.summary());
        assertTrue(result.refusedFencedWrites() >= 1, "a paused holder's write was refused: " + result.summary());
    }

    @Test
    void aContenderThatSkipsTheFenceIsCaught() throws Exception {
        LockWorkload.Result result = LockWorkload.run(clients(),
                LockWorkload.Config.of(Duration.ofSeconds(5)).withTtlSeconds(1).withPauseProbability(0.5)
                        .withName("planted").withUnfencedContenders(1), 2);
        assertFalse(result.anomalies().isEmpty(), "the unfenced write after a pause went unnoticed: " + result.summary());
        assertTrue(result.anomalies().get(0).contains("two holders at once"), result.anomalies().get(0));
    }
}
