package io.tern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tern.client.protocol.BatchOp;
import io.tern.kv.KeyValue;
import io.tern.client.protocol.ProtocolLimits;
import io.tern.client.protocol.ReadMode;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.raft.core.Role;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every opcode and status of the contract, and every kind of bad input, against one real node. */
@Timeout(60)
class ServerProtocolTest {

    @TempDir
    static Path data;

    private static TernServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TernServer.start(TestServers.single(data));
        TestServers.await("leadership", Duration.ofSeconds(10), () -> server.node().status().role() == Role.LEADER);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static RawConnection connect() throws IOException {
        return new RawConnection(server.boundAddress());
    }

    @Test
    void putGetDeleteRoundTripWithGrowingRevisions() throws IOException {
        try (RawConnection c = connect()) {
            var put = assertInstanceOf(Response.PutOk.class, c.call(new Request.Put(1, bytes("a"), bytes("1"))));
            var get = assertInstanceOf(Response.GetOk.class,
                    c.call(new Request.Get(2, ReadMode.LINEARIZABLE, 0, bytes("a"))));
            assertEquals("1", new String(get.value(), StandardCharsets.UTF_8));
            assertTrue(get.revision() >= put.revision(), "a read observes at least the write it follows");
            var local = assertInstanceOf(Response.GetOk.class,
                    c.call(new Request.Get(3, ReadMode.LOCAL, put.revision(), bytes("a"))));
            assertTrue(local.revision() >= put.revision());
            var deleted = assertInstanceOf(Response.DeleteOk.class, c.call(new Request.Delete(4, bytes("a"))));
            assertTrue(deleted.existed());
            assertTrue(deleted.revision() > put.revision());
            var again = assertInstanceOf(Response.DeleteOk.class, c.call(new Request.Delete(5, bytes("a"))));
            assertFalse(again.existed());
            var missing = assertInstanceOf(Response.NotFound.class,
                    c.call(new Request.Get(6, ReadMode.LINEARIZABLE, 0, bytes("a"))));
            assertTrue(missing.revision() >= again.revision());
        }
    }

    @Test
    void compareAndSetSucceedsOrReportsWhatItFound() throws IOException {
        try (RawConnection c = connect()) {
            assertInstanceOf(Response.CasOk.class, c.call(new Request.Cas(1, bytes("cas"), null, bytes("x"))));
            var absentExpected = assertInstanceOf(Response.CasMismatch.class,
                    c.call(new Request.Cas(2, bytes("cas"), null, bytes("y"))));
            assertEquals("x", new String(absentExpected.current(), StandardCharsets.UTF_8));
            assertInstanceOf(Response.CasOk.class, c.call(new Request.Cas(3, bytes("cas"), bytes("x"), bytes("z"))));
            var stale = assertInstanceOf(Response.CasMismatch.class,
                    c.call(new Request.Cas(4, bytes("cas"), bytes("x"), bytes("w"))));
            assertEquals("z", new String(stale.current(), StandardCharsets.UTF_8));
            assertInstanceOf(Response.CasOk.class, c.call(new Request.Cas(5, bytes("cas"), bytes("z"), null)));
            var gone = assertInstanceOf(Response.CasMismatch.class,
                    c.call(new Request.Cas(6, bytes("cas"), bytes("z"), bytes("v"))));
            assertFalse(gone.present(), "the CAS that deleted the key left it absent");
        }
    }

    @Test
    void scanHonoursBoundsAndLimit() throws IOException {
        try (RawConnection c = connect()) {
            List<BatchOp> ops = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                ops.add(new BatchOp.Put(bytes("scan/" + i), bytes("v" + i)));
            }
            var batch = assertInstanceOf(Response.BatchOk.class, c.call(new Request.Batch(1, ops)));
            var page = assertInstanceOf(Response.ScanOk.class, c.call(new Request.Scan(2, ReadMode.LINEARIZABLE, 0,
                    bytes("scan/2"), bytes("scan/8"), 3)));
            assertEquals(List.of(new KeyValue(bytes("scan/2"), bytes("v2")), new KeyValue(bytes("scan/3"), bytes("v3")),
                    new KeyValue(bytes("scan/4"), bytes("v4"))), page.entries());
            assertTrue(page.more());
            assertTrue(page.revision() >= batch.revision());
            var rest = assertInstanceOf(Response.ScanOk.class, c.call(new Request.Scan(3, ReadMode.LOCAL,
                    batch.revision(), bytes("scan/5"), bytes("scan0"), 0)));
            assertEquals(5, rest.entries().size());
            assertFalse(rest.more());
            var unbounded = assertInstanceOf(Response.ScanOk.class, c.call(new Request.Scan(4, ReadMode.LINEARIZABLE, 0,
                    bytes("scan/9"), new byte[0], 1)));
            assertEquals(List.of(new KeyValue(bytes("scan/9"), bytes("v9"))), unbounded.entries());
        }
    }

    @Test
    void batchIsAtomicAcrossPutsAndDeletes() throws IOException {
        try (RawConnection c = connect()) {
            c.call(new Request.Put(1, bytes("b1"), bytes("old")));
            assertInstanceOf(Response.BatchOk.class, c.call(new Request.Batch(2, List.of(
                    new BatchOp.Delete(bytes("b1")), new BatchOp.Put(bytes("b2"), bytes("new"))))));
            assertInstanceOf(Response.NotFound.class, c.call(new Request.Get(3, ReadMode.LINEARIZABLE, 0, bytes("b1"))));
            assertInstanceOf(Response.GetOk.class, c.call(new Request.Get(4, ReadMode.LINEARIZABLE, 0, bytes("b2"))));
        }
    }

    @Test
    void pingStatusSnapshotAndMembership() throws IOException {
        try (RawConnection c = connect()) {
            assertInstanceOf(Response.PingOk.class, c.call(new Request.Ping(1)));
            var status = assertInstanceOf(Response.StatusOk.class, c.call(new Request.Status(2)));
            JsonNode json = new ObjectMapper().readTree(status.json());
            for (String field : List.of("id", "role", "term", "leaderId", "leaderAddress", "commitIndex", "appliedIndex",
                    "snapshotIndex", "members")) {
                assertTrue(json.has(field), "STATUS lacks " + field + ": " + status.json());
            }
            assertEquals("LEADER", json.get("role").asText());
            assertEquals(1, json.get("leaderId").asLong());
            var snapshot = assertInstanceOf(Response.SnapshotOk.class, c.call(new Request.Snapshot(3)));
            assertTrue(snapshot.snapshotIndex() > 0);
            assertInstanceOf(Response.TransferOk.class, c.call(new Request.TransferLeader(4, 1)));
            assertInstanceOf(Response.BadRequest.class, c.call(new Request.TransferLeader(5, 42)));
            var added = assertInstanceOf(Response.MemberAddOk.class,
                    c.call(new Request.MemberAdd(6, 9, "127.0.0.1:1", false)));
            assertTrue(added.revision() > 0);
            assertInstanceOf(Response.BadRequest.class, c.call(new Request.MemberAdd(7, 9, "127.0.0.1:1", false)));
            JsonNode after = new ObjectMapper().readTree(
                    assertInstanceOf(Response.StatusOk.class, c.call(new Request.Status(8))).json());
            assertEquals(2, after.get("members").size());
            var removed = assertInstanceOf(Response.MemberRemoveOk.class, c.call(new Request.MemberRemove(9, 9)));
            assertTrue(removed.revision() > added.revision());
            assertInstanceOf(Response.BadRequest.class, c.call(new Request.MemberRemove(10, 9)));
        }
    }

    /**
     * What a member just answered, its STATUS shows at once: the snapshot SNAPSHOT took, the applied
     * index of a write, the members after a change. Other clients' writes keep Raft's threads busy
     * meanwhile, as they are when a snapshot is taken under load.
     */
    @Test
    void statusShowsWhatTheMemberJustAnswered() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread load = Thread.ofPlatform().name("status-test-load").start(() -> {
            try (RawConnection writer = connect()) {
                long id = 0;
                while (!done.get()) {
                    for (int i = 0; i < 200; i++) {
                        writer.send(new Request.Put(++id, bytes("load/" + (id % 100)), bytes("v" + id)));
                    }
                    for (int i = 0; i < 200; i++) {
                        writer.receive();
                    }
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try (RawConnection c = connect()) {
            long id = 0;
            for (int round = 0; round < 20; round++) {
                var put = assertInstanceOf(Response.PutOk.class, c.call(new Request.Put(++id, bytes("s"), bytes("v"))));
                assertTrue(status(c, ++id).get("appliedIndex").asLong() >= put.revision(), "after PUT");

                var snapshot = assertInstanceOf(Response.SnapshotOk.class, c.call(new Request.Snapshot(++id)));
                JsonNode afterSnapshot = status(c, ++id);
                assertTrue(afterSnapshot.get("snapshotIndex").asLong() >= snapshot.snapshotIndex(),
                        "SNAPSHOT answered " + snapshot.snapshotIndex() + ", then STATUS said " + afterSnapshot);

                long learner = 100 + round;
                assertInstanceOf(Response.MemberAddOk.class,
                        c.call(new Request.MemberAdd(++id, learner, "127.0.0.1:" + (2000 + round), false)));
                assertTrue(memberIds(status(c, ++id)).contains(learner), "after MEMBER_ADD");
                assertInstanceOf(Response.MemberRemoveOk.class, c.call(new Request.MemberRemove(++id, learner)));
                assertFalse(memberIds(status(c, ++id)).contains(learner), "after MEMBER_REMOVE");
            }
        } finally {
            done.set(true);
            load.join();
        }
    }

    private static JsonNode status(RawConnection c, long id) throws IOException {
        return new ObjectMapper().readTree(assertInstanceOf(Response.StatusOk.class, c.call(new Request.Status(id))).json());
    }

    private static Set<Long> memberIds(JsonNode status) {
        Set<Long> ids = new HashSet<>();
        status.get("members").forEach(member -> ids.add(member.get("id").asLong()));
        return ids;
    }

    @Test
    void pipelinedRequestsAreEachAnsweredOnce() throws IOException {
        try (RawConnection c = connect()) {
            int count = 500;
            for (int i = 1; i <= count; i++) {
                c.send(i % 2 == 0 ? new Request.Put(i, bytes("p" + i), bytes("v"))
                        : new Request.Get(i, ReadMode.LINEARIZABLE, 0, bytes("p" + (i - 1))));
            }
            Set<Long> answered = new HashSet<>();
            for (int i = 0; i < count; i++) {
                Response response = c.receive();
                assertTrue(response instanceof Response.PutOk || response instanceof Response.GetOk
                        || response instanceof Response.NotFound, response.toString());
                assertTrue(answered.add(response.requestId()), "answered twice: " + response.requestId());
            }
            assertEquals(count, answered.size());
        }
    }

    @Test
    void localReadBeyondTheAppliedIndexTimesOut() throws IOException {
        try (RawConnection c = connect()) {
            var timeout = assertInstanceOf(Response.Timeout.class,
                    c.call(new Request.Get(1, ReadMode.LOCAL, Long.MAX_VALUE / 2, bytes("a"))));
            assertEquals(1, timeout.requestId());
        }
    }

    @Test
    void oversizedKeysAndValuesAreRefusedAndNothingIsWritten() throws IOException {
        try (RawConnection c = connect()) {
            byte[] bigValue = new byte[TestServers.MAX_VALUE_BYTES + 1];
            assertInstanceOf(Response.TooLarge.class, c.call(new Request.Put(1, bytes("big"), bigValue)));
            assertInstanceOf(Response.TooLarge.class, c.call(new Request.Batch(2, List.of(
                    new BatchOp.Put(bytes("big"), new byte[1]), new BatchOp.Put(bytes("big2"), bigValue)))));
            assertInstanceOf(Response.TooLarge.class, c.call(new Request.Put(3, new byte[ProtocolLimits.MAX_KEY_BYTES + 1],
                    bytes("v"))));
            assertInstanceOf(Response.NotFound.class, c.call(new Request.Get(4, ReadMode.LINEARIZABLE, 0, bytes("big"))));
            assertInstanceOf(Response.PutOk.class, c.call(new Request.Put(5, bytes("big"),
                    new byte[TestServers.MAX_VALUE_BYTES])));
        }
    }

    @Test
    void aBatchFillingTheFrameIsWrittenAndOneByteMoreIsRefusedAtItsPrefix() throws IOException {
        List<BatchOp> ops = new ArrayList<>();
        int body = ProtocolLimits.BODY_HEADER_BYTES + 4;
        int opFixed = 1 + 4 + "full-000".length() + 4;
        while (body < ProtocolLimits.MAX_FRAME_BODY_BYTES) {
            int value = Math.min(TestServers.MAX_VALUE_BYTES, ProtocolLimits.MAX_FRAME_BODY_BYTES - body - opFixed);
            ops.add(new BatchOp.Put(bytes(String.format("full-%03d", ops.size())), new byte[value]));
            body += opFixed + value;
        }
        assertEquals(ProtocolLimits.MAX_FRAME_BODY_BYTES, body, "the last op is sized to fill the frame exactly");
        try (RawConnection c = connect()) {
            assertInstanceOf(Response.BatchOk.class, c.call(new Request.Batch(1, ops)));
            var last = assertInstanceOf(Response.GetOk.class, c.call(new Request.Get(2, ReadMode.LINEARIZABLE, 0,
                    ops.getLast().key())));
            assertEquals(((BatchOp.Put) ops.getLast()).value().length, last.value().length);
        }
        try (RawConnection c = connect()) {
            // The prefix of a frame one byte longer, then the start of its body: the answer must not wait for the rest.
            c.sendBytes(Unpooled.buffer().writeInt(ProtocolLimits.MAX_FRAME_BODY_BYTES + 1).writeByte(0x06).writeLong(3));
            var tooLarge = assertInstanceOf(Response.TooLarge.class, c.receive());
            assertTrue(tooLarge.message().contains(Integer.toString(ProtocolLimits.MAX_FRAME_BODY_BYTES)),
                    tooLarge.message());
            assertTrue(c.closedByServer(5_000));
        }
    }

    @Test
    void malformedRequestsGetBadRequestAndTheConnectionStaysOpen() throws IOException {
        try (RawConnection c = connect()) {
            List<byte[]> bodies = List.of(
                    body(0x55, 11),                                    // unknown opcode
                    body(0x70, 12),                                    // a member's opcode from a client
                    body(0x01, 13, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 'k'), // unknown readMode
                    body(0x06, 14, 0, 0, 0, 1, 9, 0, 0, 0, 1, 'k'),   // unknown batch kind
                    body(0x02, 15, 0, 0, 0, 100, 'k'),                // key length overruns the frame
                    body(0x07, 16, 1, 2, 3));                         // trailing bytes after PING
            long id = 11;
            for (byte[] body : bodies) {
                c.sendBody(body);
                Response response = c.receive();
                var bad = assertInstanceOf(Response.BadRequest.class, response);
                assertEquals(id++, bad.requestId(), bad.message());
                assertFalse(bad.message().isBlank());
            }
            c.sendBody(new byte[] {0x02}); // too short to hold a requestId
            assertEquals(0, assertInstanceOf(Response.BadRequest.class, c.receive()).requestId());
            assertInstanceOf(Response.PingOk.class, c.call(new Request.Ping(99)));
        }
    }

    private static byte[] body(int opcode, long requestId, int... fields) {
        ByteBuf buf = Unpooled.buffer().writeByte(opcode).writeLong(requestId);
        for (int field : fields) {
            buf.writeByte(field);
        }
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        return bytes;
    }

    @Test
    void hugeLengthPrefixIsRefusedBeforeAnyAllocationAndTheConnectionCloses() throws IOException {
        try (RawConnection c = connect()) {
            c.sendBytes(Unpooled.buffer().writeInt(0x7FFF_FFF0));
            var tooLarge = assertInstanceOf(Response.TooLarge.class, c.receive());
            assertEquals(0, tooLarge.requestId());
            assertTrue(c.closedByServer(5_000));
        }
        try (RawConnection c = connect()) {
            c.sendBytes(Unpooled.buffer().writeInt(ProtocolLimits.MAX_FRAME_BODY_BYTES + 1));
            assertInstanceOf(Response.TooLarge.class, c.receive());
        }
    }

    @Test
    void halfAFrameThenSilenceIsClosedAfterTheStallTimeout() throws IOException {
        try (RawConnection c = connect()) {
            c.sendBytes(Unpooled.buffer().writeInt(100).writeByte(0x02).writeLong(1));
            assertTrue(c.closedByServer(10_000), "a connection stuck mid-frame must be closed");
        }
        try (RawConnection idle = connect()) {
            assertInstanceOf(Response.PingOk.class, idle.call(new Request.Ping(1)));
            assertFalse(idle.closedByServer(1_500), "an idle connection with no partial frame stays open");
        }
    }

    @Test
    void connectionsOverTheLimitAreRefusedCleanly() throws Exception {
        List<RawConnection> open = new ArrayList<>();
        try {
            RawConnection refused = null;
            for (int i = 0; i < server.config().maxConnections() + 5 && refused == null; i++) {
                RawConnection c = connect();
                open.add(c);
                Response response = c.call(new Request.Ping(i + 1));
                if (response instanceof Response.Unavailable unavailable) {
                    assertEquals(0, unavailable.requestId());
                    assertTrue(unavailable.message().contains("too many connections"), unavailable.message());
                    refused = c;
                } else {
                    assertInstanceOf(Response.PingOk.class, response);
                }
            }
            assertTrue(refused != null, "no connection was refused");
            assertTrue(refused.closedByServer(5_000));
            assertTrue(open.size() <= server.config().maxConnections() + 1);
        } finally {
            for (RawConnection c : open) {
                c.close();
            }
        }
        TestServers.await("connections to close", Duration.ofSeconds(10), () -> server.openConnections() == 0);
        try (RawConnection c = connect()) {
            assertInstanceOf(Response.PingOk.class, c.call(new Request.Ping(1)), "served again below the limit");
        }
    }

    @Test
    void aClientThatNeverReadsItsAnswersIsDisconnected() throws Exception {
        try (RawConnection setup = connect()) {
            assertInstanceOf(Response.PutOk.class, setup.call(new Request.Put(1, bytes("wide"),
                    new byte[TestServers.MAX_VALUE_BYTES])));
        }
        TestServers.await("setup connection to close", Duration.ofSeconds(10), () -> server.openConnections() == 0);
        try (RawConnection reader = connect()) {
            reader.socket().setReceiveBufferSize(4096);
            // 2,000 answers of 64 KiB: far more than the socket buffers and the 1 MiB output bound.
            try {
                for (int i = 1; i <= 2_000; i++) {
                    reader.send(new Request.Get(i, ReadMode.LOCAL, 0, bytes("wide")));
                }
            } catch (java.net.SocketException dropped) {
                // The server may drop us before we are done sending: that is the behaviour under test.
            }
            TestServers.await("the server to drop the non-reading connection", Duration.ofSeconds(20),
                    () -> server.openConnections() == 0);
        }
        try (RawConnection c = connect()) {
            assertInstanceOf(Response.PingOk.class, c.call(new Request.Ping(1)), "the server is unharmed");
        }
    }
}
