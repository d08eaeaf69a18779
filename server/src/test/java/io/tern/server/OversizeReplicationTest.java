package io.tern.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tern.client.protocol.BatchOp;
import io.tern.client.protocol.ProtocolLimits;
import io.tern.client.protocol.ReadMode;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.RequestCodec;
import io.tern.client.protocol.Response;
import io.tern.raft.core.Role;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes in this JVM, fed requests whose frames are at the contract's limit: each must either
 * be refused with TOO_LARGE or be replicated to every node, and the cluster must keep committing
 * afterwards. (A request within the client's frame limit used to become a log entry that no
 * AppendEntries frame could carry: the leader accepted it, its transport dropped every attempt,
 * and every later write timed out.)
 */
@Timeout(90)
class OversizeReplicationTest {


    @TempDir
    Path data;

    private final List<TernServer> servers = new ArrayList<>();

    @BeforeEach
    void startCluster() throws InterruptedException {
        SortedMap<Long, String> cluster = TestServers.cluster(3);
        for (long id : cluster.keySet()) {
            servers.add(TernServer.start(withServerDefaults(TestServers.config(id, data.resolve("node-" + id),
                    cluster, true))));
        }
    }

    /**
     * The server's own defaults (timings, stall timeout, room for unread answers), as a user would
     * run it, with {@code --max-value-bytes} raised so that a PUT with the longest key can fill a
     * frame too. (The tests' short timeouts make a node that copies megabytes look dead.)
     */
    private static ServerConfig withServerDefaults(ServerConfig c) {
        return new ServerConfig(c.id(), c.dataDirectory(), c.cluster(), c.listen(), c.join(), Duration.ofMillis(100),
                Duration.ofMillis(1000), c.fsync(), c.snapshotEntries(), ProtocolLimits.MAX_FRAME_BODY_BYTES,
                c.forward(), Duration.ofSeconds(5), c.maxConnections(), Duration.ofSeconds(10), 64L << 20,
                c.clusterId(), c.logRollCycle(), c.staleReadsForTesting(), c.diskReserveBytes(), c.diskCheckInterval());
    }

    @AfterEach
    void stopAll() {
        servers.forEach(TernServer::close);
    }

    @Test
    void requestsFillingAWholeFrameAreReplicatedToEveryNodeAndLaterWritesCommit() throws Exception {
        TernServer leader = awaitLeader();
        TernServer follower = servers.stream().filter(s -> s != leader).findFirst().orElseThrow();
        TestServers.await("the follower to learn the leader", Duration.ofSeconds(10),
                () -> follower.node().status().leaderId() == leader.config().id());

        // As reported: two 4 MiB values and one of about 64 KiB, 8,454,128 bytes in all.
        byte[] first = filled(4 * 1024 * 1024, 'a');
        byte[] second = filled(4 * 1024 * 1024, 'b');
        byte[] third = filled(65_477, 'c');
        Request.Batch batch = new Request.Batch(1, List.of(new BatchOp.Put(bytes("a"), first),
                new BatchOp.Put(bytes("b"), second), new BatchOp.Put(bytes("c"), third)));
        assertEquals(8_454_128, bodySize(batch));
        Response batchAnswer;
        try (RawConnection c = new RawConnection(leader.boundAddress())) {
            batchAnswer = c.call(batch);
        }
        assertLaterWritesCommitEverywhere(3);
        var batchWritten = assertInstanceOf(Response.BatchOk.class, batchAnswer);
        assertEveryNodeHolds(batchWritten.revision(), "a", first);
        assertEveryNodeHolds(batchWritten.revision(), "c", third);

        // A PUT with the longest key and a value that fills the frame to the byte, through a follower.
        byte[] longKey = filled(ProtocolLimits.MAX_KEY_BYTES, 'k');
        byte[] value = filled(ProtocolLimits.MAX_FRAME_BODY_BYTES - ProtocolLimits.BODY_HEADER_BYTES - 4
                - longKey.length - 4, 'v');
        Request.Put put = new Request.Put(2, longKey, value);
        assertEquals(ProtocolLimits.MAX_FRAME_BODY_BYTES, bodySize(put));
        try (RawConnection c = new RawConnection(follower.boundAddress())) {
            var written = assertInstanceOf(Response.PutOk.class, c.call(put));
            assertEveryNodeHolds(written.revision(), new String(longKey, StandardCharsets.UTF_8), value);
        }
        assertLaterWritesCommitEverywhere(4);
    }

    /** A small PUT sent to each node in turn is acknowledged and then read back on every node. */
    private void assertLaterWritesCommitEverywhere(long requestId) throws IOException {
        for (TernServer server : servers) {
            String text = "request " + requestId + " to node " + server.config().id();
            try (RawConnection c = new RawConnection(server.boundAddress())) {
                var later = assertInstanceOf(Response.PutOk.class,
                        c.call(new Request.Put(requestId, bytes("after"), bytes(text))), "a small write: " + text);
                assertEveryNodeHolds(later.revision(), "after", bytes(text));
            }
        }
    }

    private void assertEveryNodeHolds(long revision, String key, byte[] expected) throws IOException {
        for (TernServer server : servers) {
            try (RawConnection c = new RawConnection(server.boundAddress())) {
                Response read = c.call(new Request.Get(9, ReadMode.LOCAL, revision, bytes(key)));
                var found = assertInstanceOf(Response.GetOk.class, read, "node " + server.config().id()
                        + " reading at revision " + revision);
                assertArrayEquals(expected, found.value(), "node " + server.config().id() + "'s value of "
                        + key.substring(0, Math.min(10, key.length())));
            }
        }
    }

    private TernServer awaitLeader() throws InterruptedException {
        TestServers.await("a leader", Duration.ofSeconds(20),
                () -> servers.stream().anyMatch(s -> s.node().status().role() == Role.LEADER));
        return servers.stream().filter(s -> s.node().status().role() == Role.LEADER).findFirst().orElseThrow();
    }

    private static int bodySize(Request request) {
        ByteBuf body = Unpooled.buffer();
        try {
            RequestCodec.encode(request, body);
            return body.readableBytes();
        } finally {
            body.release();
        }
    }

    private static byte[] filled(int length, char with) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) with);
        return bytes;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
