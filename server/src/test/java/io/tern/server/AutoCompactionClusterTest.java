package io.tern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.client.CompactedException;
import io.tern.client.KvClient;
import io.tern.client.TernClient;
import io.tern.kv.KeyRange;
import io.tern.kv.RangeRequest;
import io.tern.raft.core.Role;
import io.tern.server.compaction.AutoCompaction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Automatic compaction on three nodes in this JVM: a one-second periodic retention compacts every member's history. */
@Timeout(120)
class AutoCompactionClusterTest {

    @TempDir
    Path data;

    private final List<TernServer> servers = new ArrayList<>();
    private TernClient client;

    @AfterEach
    void stopAll() {
        if (client != null) {
            client.close();
        }
        servers.forEach(TernServer::close);
    }

    @Test
    void aShortRetentionCompactsAndAnOldRevisionIsThenRefused() throws Exception {
        SortedMap<Long, String> cluster = TestServers.cluster(3);
        for (long id : cluster.keySet()) {
            servers.add(TernServer.start(TestServers.config(id, data.resolve("node-" + id), cluster, true)
                    .withAutoCompaction(new AutoCompaction.Periodic(Duration.ofSeconds(1)))));
        }
        TestServers.await("a leader", Duration.ofSeconds(20), () -> servers.stream()
                .anyMatch(s -> s.node().status().role() == Role.LEADER));
        client = TernClient.builder().endpoints(new ArrayList<>(cluster.values())).requestTimeout(Duration.ofSeconds(10))
                .build();
        KvClient kv = client.kv();
        byte[] key = "auto/k".getBytes(StandardCharsets.UTF_8);
        long old = kv.put(key, "1".getBytes(StandardCharsets.UTF_8)).revision();
        long newer = kv.put(key, "2".getBytes(StandardCharsets.UTF_8)).revision();

        TestServers.await("every member to compact past revision " + old, Duration.ofSeconds(30),
                () -> servers.stream().allMatch(s -> s.engine().compactRevision() > old));

        CompactedException refused = assertThrows(CompactedException.class,
                () -> kv.range(RangeRequest.of(KeyRange.single(key)).atRevision(old)));
        assertTrue(refused.compactRevision() > old, "the refusal names a compaction revision past " + old);
        // Each compaction is an entry of its own, so later ones pass `newer` too: only the current value is sure to stay.
        assertEquals("2", new String(kv.range(RangeRequest.of(KeyRange.single(key))).response().kvs().getFirst().value(),
                StandardCharsets.UTF_8), "compaction keeps the current value");
    }
}
