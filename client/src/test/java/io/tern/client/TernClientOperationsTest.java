package io.tern.client;

import static io.tern.client.ClientTests.b;
import static io.tern.client.ClientTests.clientOf;
import static io.tern.client.ClientTests.result;
import static io.tern.client.ClientTests.s;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.client.protocol.BatchOp;
import io.tern.kv.KeyValue;
import io.tern.client.protocol.Opcode;
import io.tern.client.protocol.ReadMode;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every operation against a healthy node: what is sent and how each answer maps to a result. */
@Timeout(60)
class TernClientOperationsTest {

    private FakeServer server;
    private TernClient client;

    @BeforeEach
    void start() {
        server = FakeServer.start();
        client = clientOf(server.endpoint()).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void putThenGetReturnsTheValueAtTheWritesRevision() {
        long revision = client.put(b("k"), b("v"));
        assertEquals(1, revision);
        GetResult read = client.get(b("k"));
        assertTrue(read.found());
        assertEquals("v", s(read.value()));
        assertEquals(1, read.revision());
    }

    @Test
    void getOfAMissingKeyIsNotFoundWithTheRevisionObserved() {
        client.put(b("other"), b("x"));
        GetResult read = client.get(b("missing"));
        assertFalse(read.found());
        assertNull(read.value());
        assertEquals(1, read.revision());
    }

    @Test
    void deleteTellsWhetherThereWasAValue() {
        client.put(b("k"), b("v"));
        DeleteResult first = client.delete(b("k"));
        DeleteResult second = client.delete(b("k"));
        assertEquals(new DeleteResult(2, true), first);
        assertEquals(new DeleteResult(3, false), second);
    }

    @Test
    void casSucceedsOrReportsTheValueFound() {
        CasResult created = client.cas(b("k"), null, b("1"));
        assertTrue(created.succeeded());
        assertEquals(1, created.revision());
        assertNull(created.current());

        CasResult mismatch = client.cas(b("k"), b("wrong"), b("2"));
        assertFalse(mismatch.succeeded());
        assertEquals(1, mismatch.revision());
        assertEquals("1", s(mismatch.current()));

        CasResult deleted = client.cas(b("k"), b("1"), null);
        assertTrue(deleted.succeeded());
        assertEquals(2, deleted.revision());

        CasResult absent = client.cas(b("k"), b("1"), b("3"));
        assertFalse(absent.succeeded());
        assertNull(absent.current(), "the key is absent, so there is no current value");
        assertFalse(client.get(b("k")).found());
    }

    @Test
    void scanReturnsTheRangeInOrderAndSaysWhenTheLimitCutIt() {
        for (String key : List.of("a", "b", "c", "d")) {
            client.put(b(key), b(key.toUpperCase()));
        }
        ScanResult firstTwo = client.scan(b("a"), new byte[0], 2);
        assertEquals(List.of(new KeyValue(b("a"), b("A")), new KeyValue(b("b"), b("B"))), firstTwo.entries());
        assertTrue(firstTwo.more());
        assertEquals(4, firstTwo.revision());

        ScanResult bounded = client.scan(b("b"), b("d"), 0);
        assertEquals(List.of(new KeyValue(b("b"), b("B")), new KeyValue(b("c"), b("C"))), bounded.entries());
        assertFalse(bounded.more());
    }

    @Test
    void batchAppliesEveryOpAtOneRevision() {
        client.put(b("gone"), b("x"));
        long revision = client.batch(List.of(new BatchOp.Put(b("p"), b("1")), new BatchOp.Delete(b("gone"))));
        assertEquals(2, revision);
        assertEquals("1", s(client.get(b("p")).value()));
        assertFalse(client.get(b("gone")).found());
    }

    @Test
    void adminOperationsMapTheirAnswers() throws Exception {
        client.ping();
        assertTrue(client.status().contains("\"role\":\"LEADER\""));
        assertTrue(client.status(server.endpoint()).contains("\"leaderAddress\":\"" + server.endpoint() + "\""));
        assertEquals(1, client.memberAdd(4, "127.0.0.1:7382", true));
        assertEquals(2, client.memberRemove(4));
        client.transferLeader(2);
        assertEquals(2, client.snapshot());
        assertEquals(3, client.memberPromote(5));

        Request.MemberAdd add = assertInstanceOf(Request.MemberAdd.class, server.received().get(3));
        assertEquals(4, add.id());
        assertEquals("127.0.0.1:7382", add.address());
        assertTrue(add.voter());
        assertEquals(2, assertInstanceOf(Request.TransferLeader.class, server.received().get(5)).targetId());
        assertEquals(5, assertInstanceOf(Request.MemberPromote.class, server.received().get(7)).id());
        assertEquals(3, client.lastSeenRevision());
        assertEquals(List.of(Opcode.PING, Opcode.STATUS, Opcode.STATUS, Opcode.MEMBER_ADD, Opcode.MEMBER_REMOVE,
                Opcode.TRANSFER_LEADER, Opcode.SNAPSHOT, Opcode.MEMBER_PROMOTE),
                server.received().stream().map(Request::opcode).toList());
    }

    @Test
    void asyncCallsCompleteWithTheSameResults() throws Exception {
        assertEquals(1L, result(client.putAsync(b("k"), b("v"))));
        assertEquals("v", s(result(client.getAsync(b("k"))).value()));
        assertEquals("v", s(result(client.getAsync(b("k"), ReadOptions.local())).value()));
        assertTrue(result(client.casAsync(b("k"), b("v"), b("w"))).succeeded());
        assertEquals(1, result(client.scanAsync(new byte[0], new byte[0], 0)).entries().size());
        assertEquals(1, result(client.scanAsync(new byte[0], new byte[0], 0, ReadOptions.local())).entries().size());
        assertEquals(3L, result(client.batchAsync(List.of(new BatchOp.Put(b("x"), b("y"))))));
        assertTrue(result(client.deleteAsync(b("x"))).existed());
        assertNull(result(client.pingAsync()));
        assertTrue(result(client.statusAsync()).startsWith("{"));
        assertTrue(result(client.statusAsync(server.endpoint())).startsWith("{"));
        assertEquals(5L, result(client.memberAddAsync(5, "h:1", false)));
        assertEquals(6L, result(client.memberRemoveAsync(5)));
        assertEquals(7L, result(client.memberPromoteAsync(5)));
        assertNull(result(client.transferLeaderAsync(1)));
        assertEquals(7L, result(client.snapshotAsync()));
    }

    @Test
    void manyConcurrentCallsArePipelinedAndEachGetsItsOwnAnswer() throws Exception {
        List<CompletableFuture<Long>> puts = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            puts.add(client.putAsync(b("k" + i), b("v" + i)));
        }
        for (CompletableFuture<Long> put : puts) {
            result(put);
        }
        List<CompletableFuture<GetResult>> gets = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            gets.add(client.getAsync(b("k" + i)));
        }
        for (int i = 0; i < 500; i++) {
            assertEquals("v" + i, s(result(gets.get(i)).value()));
        }
        assertEquals(500, client.lastSeenRevision());
        assertEquals(2, server.connectionsAccepted(), "two connections per endpoint by default, made once");
        assertEquals(0, client.inFlight());
    }

    @Test
    void answersOutOfOrderCompleteTheirOwnRequests() throws Exception {
        int count = 5;
        List<FakeServer.Exchange> held = new ArrayList<>();
        server.handler(exchange -> {
            held.add(exchange); // on the server's single event loop thread
            if (held.size() == count) {
                for (int i = count - 1; i >= 0; i--) {
                    FakeServer.Exchange e = held.get(i);
                    Request.Get get = (Request.Get) e.request();
                    e.reply(new Response.GetOk(e.id(), 10 + i, get.key()));
                }
            }
        });
        try (TernClient single = clientOf(server.endpoint()).connectionsPerEndpoint(1).build()) {
            List<CompletableFuture<GetResult>> gets = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                gets.add(single.getAsync(b("key" + i)));
            }
            // The server answers only once all five are in flight on the one connection.
            for (int i = 0; i < count; i++) {
                GetResult read = result(gets.get(i));
                assertEquals("key" + i, s(read.value()));
                assertEquals(10 + i, read.revision());
            }
            assertEquals(1, server.connectionsAccepted());
            assertEquals(10 + count - 1, single.lastSeenRevision());
        }
    }

    @Test
    void lastSeenRevisionOnlyGrowsAndFeedsReadYourWrites() throws Exception {
        server.handler(exchange -> exchange.reply(switch (exchange.request()) {
            case Request.Put put -> new Response.PutOk(exchange.id(), 10);
            case Request.Get get -> new Response.NotFound(exchange.id(), 7);
            case Request.Cas cas -> new Response.CasMismatch(exchange.id(), 12, b("now"));
            case Request.Scan scan -> new Response.ScanOk(exchange.id(), 15, List.of(), false);
            default -> new Response.Internal(exchange.id(), "not scripted");
        }));
        assertEquals(0, client.lastSeenRevision());
        client.put(b("k"), b("v"));
        assertEquals(10, client.lastSeenRevision());
        assertEquals(7, client.get(b("k")).revision());
        assertEquals(10, client.lastSeenRevision(), "an older revision does not lower it");

        client.get(b("k"), ReadOptions.localReadYourWrites());
        client.get(b("k"), ReadOptions.localAtLeast(3));
        client.get(b("k"));
        List<Request> reads = server.received().subList(2, 5);
        assertEquals(new Request.Get(reads.get(0).requestId(), ReadMode.LOCAL, 10, b("k")), reads.get(0));
        assertEquals(new Request.Get(reads.get(1).requestId(), ReadMode.LOCAL, 3, b("k")), reads.get(1));
        assertEquals(new Request.Get(reads.get(2).requestId(), ReadMode.LINEARIZABLE, 0, b("k")), reads.get(2));

        assertEquals(12, client.cas(b("k"), null, b("x")).revision());
        assertEquals(12, client.lastSeenRevision(), "a CAS mismatch counts");
        client.scan(new byte[0], new byte[0], 0, ReadOptions.localReadYourWrites());
        Request.Scan scan = (Request.Scan) server.received().get(6);
        assertEquals(ReadMode.LOCAL, scan.readMode());
        assertEquals(12, scan.minRevision());
        assertEquals(15, client.lastSeenRevision());
    }

    @Test
    void severalConnectionsPerEndpointShareTheLoad() throws Exception {
        try (TernClient four = clientOf(server.endpoint()).connectionsPerEndpoint(4).build()) {
            for (int i = 0; i < 8; i++) {
                four.ping();
            }
            assertEquals(4, server.connectionsAccepted());
        }
    }
}
