package io.tern.server;

import io.tern.engine.FsyncPolicy;
import io.tern.platform.HostPort;
import io.tern.platform.ListenPorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/** Configurations and helpers for servers started inside a test JVM. */
final class TestServers {

    static final int MAX_VALUE_BYTES = 64 * 1024;

    private TestServers() {
    }

    /** A node of {@code cluster} with short timeouts and small limits, so misbehaviour shows quickly. */
    static ServerConfig config(long id, Path data, SortedMap<Long, String> cluster, boolean forward) {
        String own = cluster.get(id);
        return new ServerConfig(id, data, cluster, HostPort.parse(own).resolved(), false, Duration.ofMillis(50), Duration.ofMillis(500),
                FsyncPolicy.NEVER, 100_000, MAX_VALUE_BYTES, forward, Duration.ofSeconds(3), 20,
                Duration.ofMillis(500), 1024 * 1024, null, null, false, 0, Duration.ofSeconds(1));
    }

    static ServerConfig single(Path data) {
        return config(1, data, new TreeMap<>(java.util.Map.of(1L, "127.0.0.1:" + freePort())), true);
    }

    static SortedMap<Long, String> cluster(int members) {
        SortedMap<Long, String> cluster = new TreeMap<>();
        for (long id = 1; id <= members; id++) {
            cluster.put(id, "127.0.0.1:" + freePort());
        }
        return cluster;
    }

    /** A port below the ephemeral range, so no outgoing connection takes it before the server binds. */
    static int freePort() {
        return ListenPorts.pick();
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            Thread.sleep(10);
        }
    }
}
