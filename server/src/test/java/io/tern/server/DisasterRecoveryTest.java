package io.tern.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tern.client.ServerStatus;
import io.tern.client.TernClient;
import io.tern.client.protocol.FrameWriter;
import io.tern.client.protocol.Opcode;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.engine.restore.BackupRestore;
import io.tern.engine.snapshot.SnapshotBackup;
import io.tern.raft.core.Role;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups through the native BACKUP stream, restored into a new cluster, and a surviving member made
 * a new cluster with {@link ForceNewCluster}: in-JVM clusters, so that each step's outcome shows in
 * the members' own state.
 */
@Timeout(90)
class DisasterRecoveryTest {

    private static final int KEYS = 200;

    @TempDir
    Path dir;

    private final List<TernServer> servers = new ArrayList<>();

    @AfterEach
    void stopAll() {
        servers.forEach(TernServer::close);
    }

    private TernServer start(ServerConfig config) {
        TernServer server = TernServer.start(config);
        servers.add(server);
        return server;
    }

    private List<TernServer> startCluster(String name, SortedMap<Long, String> cluster) throws InterruptedException {
        List<TernServer> started = new ArrayList<>();
        for (long id : cluster.keySet()) {
            started.add(start(TestServers.config(id, dir.resolve(name + "-" + id), cluster, true)));
        }
        TestServers.await("a leader of " + name, Duration.ofSeconds(20),
                () -> started.stream().anyMatch(s -> s.node().status().role() == Role.LEADER));
        return started;
    }

    private static TernClient client(SortedMap<Long, String> cluster) {
        return TernClient.builder().endpoints(List.copyOf(cluster.values())).requestTimeout(Duration.ofSeconds(10)).build();
    }

    private static void putKeys(TernClient client, String prefix) {
        for (int i = 0; i < KEYS; i++) {
            client.put(bytes(prefix + i), bytes("value-" + i));
        }
    }

    private static void assertKeys(TernClient client, String prefix) {
        for (int i = 0; i < KEYS; i++) {
            assertArrayEquals(bytes("value-" + i), client.get(bytes(prefix + i)).value(), prefix + i);
        }
    }

    private static String clusterIdOf(TernClient client, String endpoint) {
        return ServerStatus.parse(client.status(endpoint)).clusterId();
    }

    @Test
    void aFollowersBackupRestoresIntoANewClusterWithEveryAcknowledgedWrite() throws Exception {
        SortedMap<Long, String> old = TestServers.cluster(3);
        List<TernServer> members = startCluster("old", old);
        Path backup = dir.resolve("backup.tern");
        String oldId;
        try (TernClient client = client(old)) {
            putKeys(client, "k");
            TernServer follower = members.stream().filter(s -> s.node().status().role() != Role.LEADER).findFirst()
                    .orElseThrow();
            String endpoint = old.get(follower.node().id());
            long index;
            try (OutputStream out = Files.newOutputStream(backup)) {
                index = client.backup(endpoint, out);
            }
            assertTrue(index >= KEYS, "the backup covers every write acknowledged before it: index " + index);
            oldId = clusterIdOf(client, endpoint);
        }
        SnapshotBackup.checkSealed(backup);

        SortedMap<Long, String> fresh = TestServers.cluster(3);
        for (long id : fresh.keySet()) {
            BackupRestore.restore(backup, dir.resolve("new-" + id), id, BackupRestore.voters(fresh), null);
        }
        startCluster("new", fresh);
        try (TernClient client = client(fresh)) {
            assertKeys(client, "k");
            client.put(bytes("after"), bytes("restore"));
            List<String> ids = fresh.values().stream().map(endpoint -> clusterIdOf(client, endpoint)).distinct().toList();
            assertEquals(1, ids.size(), "one cluster id: " + ids);
            assertNotEquals(oldId, ids.getFirst());
            assertEquals(List.of(1L, 2L, 3L), ServerStatus.parse(client.status()).members().stream()
                    .map(ServerStatus.Member::id).toList());
        }
    }

    @Test
    void aSurvivorBecomesANewOneMemberClusterThatLastsAndKeepsTheOldMembersOut() throws Exception {
        SortedMap<Long, String> old = TestServers.cluster(3);
        List<TernServer> members = startCluster("old", old);
        String oldId;
        try (TernClient client = client(old)) {
            putKeys(client, "k");
            long last = client.lastSeenRevision();
            TestServers.await("member 1 to apply every write", Duration.ofSeconds(10),
                    () -> members.getFirst().node().status().appliedIndex() >= last);
            oldId = clusterIdOf(client, old.get(1L));
        }
        members.forEach(TernServer::close);
        servers.clear();

        ServerConfig survivor = TestServers.config(1, dir.resolve("old-1"), old, true);
        String newId = ForceNewCluster.apply(survivor);
        assertNotEquals(oldId, newId);
        TernServer alone = start(survivor);
        TestServers.await("member 1 to lead alone", Duration.ofSeconds(10),
                () -> alone.node().status().role() == Role.LEADER);
        SortedMap<Long, String> justOne = new TreeMap<>(old.headMap(2L));
        try (TernClient client = client(justOne)) {
            assertKeys(client, "k");
            client.put(bytes("after"), bytes("forced"));
            ServerStatus status = ServerStatus.parse(client.status());
            assertEquals(newId, status.clusterId());
            assertEquals(List.of(1L), status.members().stream().map(ServerStatus.Member::id).toList());
        }

        // The old members come back with their old data: they elect a leader of the old cluster among
        // themselves, and every hello they send member 1 is refused, so it goes on alone.
        long term = alone.node().status().term();
        List<TernServer> ghosts = List.of(start(TestServers.config(2, dir.resolve("old-2"), old, true)),
                start(TestServers.config(3, dir.resolve("old-3"), old, true)));
        TestServers.await("the old members to elect a leader", Duration.ofSeconds(20),
                () -> ghosts.stream().anyMatch(s -> s.node().status().role() == Role.LEADER));
        assertEquals(Role.LEADER, alone.node().status().role());
        assertEquals(term, alone.node().status().term(), "no message of the old cluster reached member 1");
        ghosts.forEach(TernServer::close);
        servers.removeAll(ghosts);

        alone.close();
        servers.remove(alone);
        TernServer restarted = start(survivor);
        TestServers.await("member 1 to lead alone after a restart without the flag", Duration.ofSeconds(10),
                () -> restarted.node().status().role() == Role.LEADER);
        try (TernClient client = client(justOne)) {
            assertArrayEquals(bytes("forced"), client.get(bytes("after")).value());
            assertEquals(newId, clusterIdOf(client, old.get(1L)));
            assertEquals(List.of(1L), ServerStatus.parse(client.status()).members().stream()
                    .map(ServerStatus.Member::id).toList());
        }
    }

    @Test
    void forcingANewClusterNeedsAMembersDataAndANewClusterId() {
        SortedMap<Long, String> cluster = TestServers.cluster(1);
        ServerStartException empty = assertThrows(ServerStartException.class,
                () -> ForceNewCluster.apply(TestServers.config(1, dir.resolve("empty"), cluster, true)));
        assertEquals("--force-new-cluster keeps a member's data, and " + dir.resolve("empty") + " holds no member: "
                + "point --data at a surviving member's directory", empty.getMessage());
    }

    @Test
    void aLoneMembersBackupIsWholeAndAMalformedEndpointIsRefused() throws Exception {
        SortedMap<Long, String> cluster = TestServers.cluster(1);
        startCluster("single", cluster);
        try (TernClient client = client(cluster)) {
            client.put(bytes("a"), bytes("b"));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            client.backup(cluster.get(1L), out);
            Path saved = Files.write(dir.resolve("single.tern"), out.toByteArray());
            SnapshotBackup.checkSealed(saved);
            assertThrows(IllegalArgumentException.class, () -> client.backup("not an endpoint", out));
        }
    }

    @Test
    void oneBackupStreamsAtATimeOnAConnectionAndItsPiecesCountDownToZero() throws Exception {
        SortedMap<Long, String> cluster = TestServers.cluster(1);
        TernServer server = startCluster("single", cluster).getFirst();
        try (RawConnection connection = new RawConnection(server.boundAddress())) {
            ByteBuf both = Unpooled.buffer();
            FrameWriter.writeRequest(new Request.Backup(1), both);
            FrameWriter.writeRequest(new Request.Backup(2), both);
            connection.sendBytes(both); // one write: the second arrives while the first is being opened
            ByteArrayOutputStream backup = new ByteArrayOutputStream();
            Response second = null;
            boolean firstEnded = false;
            long remaining = Long.MAX_VALUE;
            while (!firstEnded || second == null) {
                Response answer = connection.receiveAnswerTo(Opcode.BACKUP);
                if (answer.requestId() == 2) {
                    second = answer;
                } else {
                    Response.BackupPiece piece = assertInstanceOf(Response.BackupPiece.class, answer);
                    assertTrue(piece.remainingBytes() < remaining, "remaining bytes count down");
                    remaining = piece.remainingBytes();
                    backup.write(piece.piece());
                    firstEnded = piece.last();
                }
            }
            assertEquals(new Response.BadRequest(2, "a backup is already streaming on this connection; open another "
                    + "connection"), second);
            SnapshotBackup.checkSealed(Files.write(dir.resolve("raw.tern"), backup.toByteArray()));
            assertInstanceOf(Response.PingOk.class, connection.call(new Request.Ping(3)), "the connection serves on");
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
