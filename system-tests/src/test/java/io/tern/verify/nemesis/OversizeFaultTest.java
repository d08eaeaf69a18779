package io.tern.verify.nemesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.engine.FsyncPolicy;
import io.tern.platform.HostPort;
import io.tern.platform.ListenPorts;
import io.tern.server.ServerConfig;
import io.tern.server.TernServer;
import io.tern.verify.cluster.ClusterControl;
import io.tern.verify.cluster.ExternalCluster;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Set;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code oversize} fault against three nodes in this JVM run as a user would start them (the
 * server's defaults, {@code --max-value-bytes} 4 MiB): it finds nothing wrong, and it does report a
 * rule broken when the nodes answer other than it expects.
 */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OversizeFaultTest {

    @TempDir
    static Path data;

    private final List<TernServer> servers = new ArrayList<>();
    private ExternalCluster cluster;

    @BeforeAll
    void startCluster() {
        SortedMap<Long, String> members = new TreeMap<>();
        for (long id = 1; id <= 3; id++) {
            members.put(id, "127.0.0.1:" + ListenPorts.pick());
        }
        for (long id : members.keySet()) {
            String own = members.get(id);
            int port = HostPort.parse(own).port();
            servers.add(TernServer.start(new ServerConfig(id, data.resolve("node-" + id), members,
                    new InetSocketAddress("127.0.0.1", port), false, Duration.ofMillis(100), Duration.ofMillis(1000),
                    FsyncPolicy.NEVER, 100_000, ClusterControl.DEFAULT_MAX_VALUE_BYTES, true, Duration.ofSeconds(5),
                    100, Duration.ofSeconds(10), 64L << 20, null, null, false, ServerConfig.DEFAULT_DISK_RESERVE_BYTES,
                    ServerConfig.DEFAULT_DISK_CHECK_INTERVAL)));
        }
        cluster = ExternalCluster.attach(servers.stream().map(s -> s.config().advertisedAddress()).toList(),
                Duration.ofSeconds(30));
    }

    @AfterAll
    void stopAll() {
        if (cluster != null) {
            cluster.close();
        }
        servers.forEach(TernServer::close);
    }

    @Test
    void requestsAtAndOverEveryLimitAreAcknowledgedOrRefusedAsTheContractSays() {
        Nemesis nemesis = Nemesis.create(cluster, Set.of(Faults.OVERSIZE), 11, Timing.DEFAULT,
                System.nanoTime());
        FaultStep step = nemesis.schedule().next();
        assertEquals(Faults.OVERSIZE, step.fault());
        FaultEvent injected = nemesis.inject(step);
        nemesis.heal();
        assertFalse(injected.failed(), injected::toString);
        assertEquals(List.of(), nemesis.violations(), injected.details());
        String details = injected.details();
        for (String expected : List.of("a key of 16384 bytes acknowledged", "a value of 4194304 bytes acknowledged",
                "a BATCH of 8454144 bytes", "a key of 16385 bytes refused", "a value of 4194305 bytes refused",
                "a BATCH of 8454145 bytes refused", "a PUT of 8454145 bytes refused",
                "a small write afterwards acknowledged")) {
            assertTrue(details.contains(expected), () -> "missing '" + expected + "' in: " + details);
        }
    }

    @Test
    void anAnswerOtherThanTheContractsIsReportedAsAViolation() {
        // Told the nodes take one byte more than they do, it expects an acknowledgement where they say TOO_LARGE.
        OversizeRequests.Result result = new OversizeRequests(cluster, ClusterControl.DEFAULT_MAX_VALUE_BYTES + 1)
                .run(99, cluster.nodeIds().getFirst());
        assertTrue(result.violations().stream().anyMatch(v -> v.contains("a value of 4194305 bytes")
                && v.contains("was not acknowledged") && v.contains("TOO_LARGE")),
                () -> result.violations().toString());
    }
}
