package io.tern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.client.ServerStatus;
import io.tern.client.TernClient;
import io.tern.raft.core.Role;
import io.tern.raft.node.NodeStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The client's typed STATUS reads what a real node writes, field for field. */
@Timeout(60)
class ServerStatusParseTest {

    @TempDir
    Path data;

    @Test
    void theClientReadsEveryFieldARealNodeWrites() throws InterruptedException {
        try (TernServer server = TernServer.start(TestServers.single(data))) {
            TestServers.await("leadership", Duration.ofSeconds(10), () -> server.node().status().role() == Role.LEADER);
            String address = "127.0.0.1:" + server.boundAddress().getPort();
            try (TernClient client = TernClient.connect(List.of(address))) {
                client.put(new byte[] {'k'}, new byte[] {'v'});
                String json = client.status();
                NodeStatus node = server.node().status();
                ServerStatus status = ServerStatus.parse(json);
                assertEquals(1, status.id());
                assertEquals("LEADER", status.role());
                assertTrue(status.isLeader());
                assertEquals(node.term(), status.term());
                assertEquals(1, status.leaderId());
                assertEquals(address, status.leaderAddress());
                assertTrue(status.commitIndex() >= 2 && status.appliedIndex() >= 2, json);
                assertEquals(List.of(new ServerStatus.Member(1, address, true)), status.members());
                assertTrue(status.clusterId().startsWith("tern-"), json);
                assertEquals(address, status.address());
                assertTrue(status.lastLogIndex() >= status.commitIndex(), json);
                assertEquals("never", status.fsync());
                assertEquals(List.of(), status.alarms());
                assertEquals(null, status.etcdClientUrl(), "no etcd gateway has advertised itself");
                assertEquals(json, status.json());

                server.advertiseEtcdClientUrl("http://127.0.0.1:2379");
                assertEquals("http://127.0.0.1:2379", ServerStatus.parse(client.status()).etcdClientUrl());
            }
        }
    }
}
