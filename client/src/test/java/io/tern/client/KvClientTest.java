package io.tern.client;

import static io.tern.client.ClientTests.b;
import static io.tern.client.ClientTests.clientOf;
import static io.tern.client.ClientTests.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.client.protocol.KvRequest;
import io.tern.client.protocol.KvResponse;
import io.tern.client.protocol.Opcode;
import io.tern.client.protocol.ProtocolLimits;
import io.tern.client.protocol.ReadMode;
import io.tern.client.protocol.Response;
import io.tern.client.protocol.Status;
import io.tern.kv.Compare;
import io.tern.kv.DeleteRangeRequest;
import io.tern.kv.DeleteRangeResponse;
import io.tern.kv.KeyRange;
import io.tern.kv.PutRequest;
import io.tern.kv.PutResponse;
import io.tern.kv.RangeRequest;
import io.tern.kv.RangeResponse;
import io.tern.kv.TxnRequest;
import io.tern.kv.TxnResponse;
import io.tern.kv.VersionedKeyValue;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** KvClient over a fake node: what it sends, how answers and refusals map, and which calls it retries. */
@Timeout(60)
class KvClientTest {

    private FakeServer server;
    private TernClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private KvClient start(FakeServer.Handler handler) {
        server = FakeServer.start().handler(handler);
        client = clientOf(server.endpoint()).build();
        return client.kv();
    }

    private static VersionedKeyValue kv(String key, String value, long revision) {
        return new VersionedKeyValue(b(key), b(value), revision, revision, 1, 0);
    }

    @Test
    void getPrefixSendsAPrefixRangeAndReturnsTheKeysWithTheRevision() throws Exception {
        KvClient kv = start(e -> e.reply(new KvResponse.OpOk(e.id(), 12,
                new RangeResponse(List.of(kv("p/a", "1", 3), kv("p/b", "2", 4)), false, 2))));
        KvResult<RangeResponse> result = kv.getPrefix(b("p/"));
        assertEquals(12, result.revision());
        assertEquals(List.of("p/a", "p/b"), result.response().kvs().stream().map(x -> s(x.key())).toList());
        KvRequest.Range sent = assertInstanceOf(KvRequest.Range.class, server.nextRequest());
        assertEquals(ReadMode.LINEARIZABLE, sent.readMode());
        assertEquals(KeyRange.prefix(b("p/")), sent.range().range());
        assertEquals(12, client.lastSeenRevision(), "a range's revision counts as seen");
    }

    @Test
    void localRangesAskForTheRevisionsThisClientHasSeen() throws Exception {
        KvClient kv = start(e -> e.reply(switch (e.request()) {
            case KvRequest.Range r -> new KvResponse.OpOk(e.id(), 30, new RangeResponse(List.of(), false, 0));
            default -> new KvResponse.OpOk(e.id(), 30, new PutResponse(null));
        }));
        kv.put(b("k"), b("v"), 0x1f);
        KvRequest.Write put = assertInstanceOf(KvRequest.Write.class, server.nextRequest());
        assertEquals(Opcode.PUT_KV, put.opcode());
        assertEquals(0x1f, ((PutRequest) put.op()).lease());
        kv.range(RangeRequest.of(KeyRange.single(b("k"))), ReadOptions.localReadYourWrites());
        KvRequest.Range range = assertInstanceOf(KvRequest.Range.class, server.nextRequest());
        assertEquals(ReadMode.LOCAL, range.readMode());
        assertEquals(30, range.minRevision());
    }

    @Test
    void theTxnBuilderSendsCompareThenAndElseInOrder() throws Exception {
        KvClient kv = start(e -> e.reply(new KvResponse.OpOk(e.id(), 40, new TxnResponse(false,
                List.of(new RangeResponse(List.of(kv("k", "old", 7)), false, 1))))));
        Compare unchanged = Compare.modRevision(b("k"), Compare.Result.EQUAL, 6);
        KvResult<TxnResponse> result = kv.txn()
                .when(unchanged)
                .then(PutRequest.of(b("k"), b("new")))
                .orElse(RangeRequest.of(KeyRange.single(b("k"))))
                .commit();
        assertFalse(result.response().succeeded());
        assertEquals(40, result.revision());
        KvRequest.Write sent = assertInstanceOf(KvRequest.Write.class, server.nextRequest());
        assertEquals(Opcode.TXN, sent.opcode());
        assertEquals(new TxnRequest(List.of(unchanged), List.of(PutRequest.of(b("k"), b("new"))),
                List.of(RangeRequest.of(KeyRange.single(b("k"))))), sent.op());
        assertThrows(IllegalStateException.class, () -> kv.txn().then().when(unchanged));
        assertThrows(IllegalStateException.class, () -> kv.txn().orElse().then());
    }

    @Test
    void etcdsRulesAndTheKeyLimitAreCheckedBeforeSending() {
        KvClient kv = start(e -> e.reply(new Response.Internal(e.id(), "must not be reached")));
        RequestRefusedException empty = assertThrows(RequestRefusedException.class, () -> kv.get(new byte[0]));
        assertEquals(Status.BAD_REQUEST, empty.status());
        assertEquals("etcdserver: key is not provided", empty.getMessage());
        RequestRefusedException duplicate = assertThrows(RequestRefusedException.class, () -> kv.txn()
                .then(PutRequest.of(b("a"), b("1")), PutRequest.of(b("a"), b("2"))).commit());
        assertEquals("etcdserver: duplicate key given in txn request", duplicate.getMessage());
        RequestRefusedException valueGiven = assertThrows(RequestRefusedException.class,
                () -> kv.put(new PutRequest(b("k"), b("v"), 0, false, true, false)));
        assertEquals("etcdserver: value is provided", valueGiven.getMessage());
        RequestRefusedException tooLong = assertThrows(RequestRefusedException.class,
                () -> kv.delete(new byte[ProtocolLimits.MAX_KEY_BYTES + 1]));
        assertEquals(Status.TOO_LARGE, tooLong.status());
        RequestRefusedException frame = assertThrows(RequestRefusedException.class,
                () -> kv.put(b("k"), new byte[(int) ProtocolLimits.MAX_FRAME_BODY_BYTES]));
        assertEquals(Status.TOO_LARGE, frame.status());
        assertEquals(0, server.count(Opcode.RANGE) + server.count(Opcode.TXN) + server.count(Opcode.PUT_KV)
                + server.count(Opcode.DELETE_RANGE));
    }

    @Test
    void refusalsBecomeTheirExceptions() {
        KvClient kv = start(e -> e.reply(switch (e.opcode()) {
            case RANGE -> new Response.Compacted(e.id(), 9, "mvcc: required revision has been compacted");
            case COMPACT -> new Response.FutureRevision(e.id(), 20, "mvcc: required revision is a future revision");
            default -> new Response.LeaseNotFound(e.id(), "etcdserver: requested lease not found");
        }));
        CompactedException compacted = assertThrows(CompactedException.class,
                () -> kv.range(RangeRequest.of(KeyRange.single(b("k"))).atRevision(3)));
        assertEquals(9, compacted.compactRevision());
        FutureRevisionException future = assertThrows(FutureRevisionException.class, () -> kv.compact(99));
        assertEquals(20, future.currentRevision());
        assertThrows(LeaseNotFoundException.class, () -> kv.put(b("k"), b("v"), 5));
    }

    @Test
    void rangesAreRetriedAfterATimeoutButWritesAreNot() {
        AtomicInteger ranges = new AtomicInteger();
        KvClient kv = start(e -> {
            if (e.opcode() == Opcode.RANGE && ranges.incrementAndGet() > 1) {
                e.reply(new KvResponse.OpOk(e.id(), 5, new RangeResponse(List.of(), false, 0)));
            } else {
                e.reply(new Response.Timeout(e.id(), "slow commit"));
            }
        });
        assertEquals(5, kv.get(b("k")).revision());
        assertEquals(2, ranges.get());
        assertThrows(OutcomeUnknownException.class, () -> kv.delete(b("k")));
        assertThrows(OutcomeUnknownException.class, () -> kv.compact(3));
        assertEquals(1, server.count(Opcode.DELETE_RANGE));
        assertEquals(1, server.count(Opcode.COMPACT));
    }

    @Test
    void deleteRangeAndCompactReturnWhatTheNodeSaid() throws Exception {
        KvClient kv = start(e -> e.reply(switch (e.opcode()) {
            case COMPACT -> new KvResponse.CompactOk(e.id(), 51);
            default -> new KvResponse.OpOk(e.id(), 50, new DeleteRangeResponse(2, List.of(kv("a", "1", 3))));
        }));
        KvResult<DeleteRangeResponse> deleted = kv.deleteRange(
                new DeleteRangeRequest(new KeyRange(b("a"), b("c")), true));
        assertEquals(2, deleted.response().deleted());
        assertEquals("1", s(deleted.response().prevKvs().getFirst().value()));
        assertEquals(51, kv.compactAsync(10).get());
        assertInstanceOf(KvRequest.Write.class, server.nextRequest());
        KvRequest.Compact compact = assertInstanceOf(KvRequest.Compact.class, server.nextRequest());
        assertEquals(10, compact.revision());
        assertTrue(client.lastSeenRevision() >= 51);
    }

    @Test
    void anAnswerOfTheWrongKindIsAServerError() {
        KvClient kv = start(e -> e.reply(new KvResponse.OpOk(e.id(), 5, new RangeResponse(List.of(), false, 0))));
        // The codec decodes by the request's opcode, so the wrong kind arrives as an undecodable answer.
        assertThrows(TernException.class, () -> kv.put(b("k"), b("v")));
    }
}
