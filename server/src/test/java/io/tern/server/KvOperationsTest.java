package io.tern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.client.protocol.KvRequest;
import io.tern.client.protocol.KvResponse;
import io.tern.client.protocol.Opcode;
import io.tern.client.protocol.ProtocolLimits;
import io.tern.client.protocol.ReadMode;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.kv.Compare;
import io.tern.kv.DeleteRangeRequest;
import io.tern.kv.DeleteRangeResponse;
import io.tern.kv.KeyRange;
import io.tern.kv.KvCodec;
import io.tern.kv.KvOp;
import io.tern.kv.PutRequest;
import io.tern.kv.PutResponse;
import io.tern.kv.RangeRequest;
import io.tern.kv.RangeResponse;
import io.tern.kv.SortOrder;
import io.tern.kv.SortTarget;
import io.tern.kv.TxnRequest;
import io.tern.kv.TxnResponse;
import io.tern.kv.VersionedKeyValue;
import io.tern.raft.core.Role;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RANGE, PUT_KV, DELETE_RANGE, TXN and COMPACT against one real node, every test in its own key
 * prefix (the node is shared): etcd's options, history, refusals and checks, byte for byte on the wire.
 */
@Timeout(60)
class KvOperationsTest {

    @TempDir
    static Path data;

    private static TernServer server;
    private static final AtomicLong ids = new AtomicLong();

    @BeforeAll
    static void start() throws InterruptedException {
        server = TernServer.start(TestServers.single(data));
        TestServers.await("leadership", Duration.ofSeconds(10), () -> server.node().status().role() == Role.LEADER);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static byte[] b(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String s(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static RawConnection connect() throws IOException {
        return new RawConnection(server.boundAddress());
    }

    static KvResponse.OpOk ok(RawConnection c, Request.Kv request) throws IOException {
        return assertInstanceOf(KvResponse.OpOk.class, c.call(request));
    }

    static KvResponse.OpOk write(RawConnection c, KvOp op) throws IOException {
        return ok(c, new KvRequest.Write(ids.incrementAndGet(), op));
    }

    static long put(RawConnection c, String key, String value) throws IOException {
        return write(c, PutRequest.of(b(key), b(value))).revision();
    }

    static RangeResponse range(RawConnection c, RangeRequest request) throws IOException {
        return (RangeResponse) ok(c, new KvRequest.Range(ids.incrementAndGet(), ReadMode.LINEARIZABLE, 0, request))
                .response();
    }

    private static Response call(RawConnection c, KvOp op) throws IOException {
        return c.call(op instanceof RangeRequest r ? new KvRequest.Range(ids.incrementAndGet(), ReadMode.LINEARIZABLE, 0, r)
                : new KvRequest.Write(ids.incrementAndGet(), op));
    }

    private static List<String> keys(RangeResponse response) {
        return response.kvs().stream().map(kv -> s(kv.key())).toList();
    }

    @Test
    void putsCarryEtcdsMetadataAndARangeAtAPastRevisionSeesThePast() throws IOException {
        try (RawConnection c = connect()) {
            long first = put(c, "h/k", "one");
            long second = put(c, "h/k", "two");
            KvResponse.OpOk deleted = write(c, new DeleteRangeRequest(KeyRange.single(b("h/k")), false));
            long recreated = put(c, "h/k", "three");

            VersionedKeyValue now = range(c, RangeRequest.of(KeyRange.single(b("h/k")))).kvs().getFirst();
            assertEquals(new VersionedKeyValue(b("h/k"), b("three"), recreated, recreated, 1, 0), now,
                    "a delete ends the key's history: the next put starts at version 1");
            VersionedKeyValue atSecond = range(c, RangeRequest.of(KeyRange.single(b("h/k"))).atRevision(second))
                    .kvs().getFirst();
            assertEquals(new VersionedKeyValue(b("h/k"), b("two"), first, second, 2, 0), atSecond);
            assertTrue(range(c, RangeRequest.of(KeyRange.single(b("h/k"))).atRevision(deleted.revision()))
                    .kvs().isEmpty(), "deleted at that revision");
            KvResponse.OpOk read = ok(c, new KvRequest.Range(1, ReadMode.LINEARIZABLE, 0,
                    RangeRequest.of(KeyRange.single(b("h/k"))).atRevision(first)));
            assertEquals(first, read.revision(), "a read at a revision answers with that revision");
            assertEquals("one", s(((RangeResponse) read.response()).kvs().getFirst().value()));
        }
    }

    @Test
    void rangeOptionsLimitCountSortAndFilter() throws IOException {
        try (RawConnection c = connect()) {
            long a = put(c, "r/a", "3");
            long bRev = put(c, "r/b", "1");
            put(c, "r/c", "2");
            long cAgain = put(c, "r/c", "22");
            put(c, "r0", "outside the prefix");
            KeyRange prefix = KeyRange.prefix(b("r/"));

            RangeResponse limited = range(c, RangeRequest.of(prefix).withLimit(2));
            assertEquals(List.of("r/a", "r/b"), keys(limited));
            assertTrue(limited.more());
            assertEquals(3, limited.count(), "count ignores the limit");

            RangeResponse counted = range(c, RangeRequest.of(prefix).countOnly(true));
            assertTrue(counted.kvs().isEmpty());
            assertEquals(3, counted.count());

            RangeResponse keysOnly = range(c, RangeRequest.of(prefix).keysOnly(true));
            assertTrue(keysOnly.kvs().stream().allMatch(kv -> kv.value().length == 0));
            assertEquals(cAgain, keysOnly.kvs().get(2).modRevision(), "keys only still carries the metadata");

            assertEquals(List.of("r/c", "r/b", "r/a"),
                    keys(range(c, RangeRequest.of(prefix).sortedBy(SortTarget.KEY, SortOrder.DESCEND))));
            assertEquals(List.of("r/b", "r/c", "r/a"),
                    keys(range(c, RangeRequest.of(prefix).sortedBy(SortTarget.VALUE, SortOrder.ASCEND))));
            assertEquals(List.of("r/c", "r/a", "r/b"),
                    keys(range(c, RangeRequest.of(prefix).sortedBy(SortTarget.VERSION, SortOrder.DESCEND))));
            assertEquals(List.of("r/c", "r/b", "r/a"),
                    keys(range(c, RangeRequest.of(prefix).sortedBy(SortTarget.MOD, SortOrder.DESCEND))));
            assertEquals(List.of("r/a", "r/b", "r/c"),
                    keys(range(c, RangeRequest.of(prefix).sortedBy(SortTarget.CREATE, SortOrder.ASCEND))));

            assertEquals(List.of("r/c"), keys(range(c, RangeRequest.of(prefix).modRevisions(cAgain, 0))));
            assertEquals(List.of("r/a", "r/b"), keys(range(c, RangeRequest.of(prefix).createRevisions(0, bRev))));
            assertEquals(List.of("r/a"), keys(range(c, RangeRequest.of(prefix).modRevisions(0, a))));
            assertEquals(List.of("r/a", "r/b"),
                    keys(range(c, RangeRequest.of(new KeyRange(b("r/a"), b("r/c"))))), "an end is exclusive");
        }
    }

    @Test
    void compactionRefusesOlderReadsAndFutureRevisionsAreRefused() throws IOException {
        try (RawConnection c = connect()) {
            long old = put(c, "c/k", "1");
            long newer = put(c, "c/k", "2");
            var compacted = assertInstanceOf(KvResponse.CompactOk.class, c.call(new KvRequest.Compact(7, newer)));
            assertTrue(compacted.revision() > newer, "the compaction is an entry of its own");

            var tooOld = assertInstanceOf(Response.Compacted.class, c.call(new KvRequest.Range(8, ReadMode.LINEARIZABLE,
                    0, RangeRequest.of(KeyRange.single(b("c/k"))).atRevision(old))));
            assertEquals(newer, tooOld.compactRevision());
            assertEquals("mvcc: required revision has been compacted", tooOld.message());
            assertEquals("2", s(range(c, RangeRequest.of(KeyRange.single(b("c/k"))).atRevision(newer))
                    .kvs().getFirst().value()), "the compaction revision itself stays readable");

            var future = assertInstanceOf(Response.FutureRevision.class, c.call(new KvRequest.Range(9,
                    ReadMode.LINEARIZABLE, 0, RangeRequest.of(KeyRange.single(b("c/k"))).atRevision(1_000_000))));
            assertTrue(future.currentRevision() >= compacted.revision());
            assertEquals("mvcc: required revision is a future revision", future.message());

            var again = assertInstanceOf(Response.Compacted.class, c.call(new KvRequest.Compact(10, old)));
            assertEquals(newer, again.compactRevision(), "compacting below the compaction revision is refused");
            assertInstanceOf(Response.FutureRevision.class, c.call(new KvRequest.Compact(11, 1_000_000)));
        }
    }

    @Test
    void putReturnsThePreviousKeyAndCanKeepItsValue() throws IOException {
        try (RawConnection c = connect()) {
            long first = put(c, "p/k", "before");
            PutResponse replaced = (PutResponse) write(c, new PutRequest(b("p/k"), b("after"), 0, true, false, false))
                    .response();
            assertEquals(new VersionedKeyValue(b("p/k"), b("before"), first, first, 1, 0), replaced.prevKv());
            assertNull(((PutResponse) write(c, PutRequest.of(b("p/new"), b("x"))).response()).prevKv());

            long kept = write(c, new PutRequest(b("p/k"), new byte[0], 0, false, true, false)).revision();
            VersionedKeyValue now = range(c, RangeRequest.of(KeyRange.single(b("p/k")))).kvs().getFirst();
            assertEquals("after", s(now.value()), "ignore_value keeps the value");
            assertEquals(kept, now.modRevision());
            assertEquals(3, now.version());

            var missing = assertInstanceOf(Response.BadRequest.class,
                    call(c, new PutRequest(b("p/absent"), new byte[0], 0, false, true, false)));
            assertEquals("etcdserver: key not found", missing.message());
            var lease = assertInstanceOf(Response.LeaseNotFound.class,
                    call(c, new PutRequest(b("p/leased"), b("v"), 0x7777, false, false, false)));
            assertEquals("etcdserver: requested lease not found", lease.message());
        }
    }

    @Test
    void deleteRangeCountsAndReturnsWhatItDeleted() throws IOException {
        try (RawConnection c = connect()) {
            put(c, "d/a", "1");
            put(c, "d/b", "2");
            put(c, "d/c", "3");
            DeleteRangeResponse two = (DeleteRangeResponse) write(c,
                    new DeleteRangeRequest(new KeyRange(b("d/a"), b("d/c")), true)).response();
            assertEquals(2, two.deleted());
            assertEquals(List.of("1", "2"), two.prevKvs().stream().map(kv -> s(kv.value())).toList());
            DeleteRangeResponse rest = (DeleteRangeResponse) write(c,
                    new DeleteRangeRequest(KeyRange.prefix(b("d/")), false)).response();
            assertEquals(1, rest.deleted());
            assertTrue(rest.prevKvs().isEmpty(), "no prev kvs unless asked");
            assertEquals(0, ((DeleteRangeResponse) write(c, new DeleteRangeRequest(KeyRange.prefix(b("d/")), false))
                    .response()).deleted());
        }
    }

    @Test
    void txnRunsOneBranchAtOneRevisionForEveryCompareTarget() throws IOException {
        try (RawConnection c = connect()) {
            long created = put(c, "t/k", "v1");
            long modified = put(c, "t/k", "v2");
            List<Compare> holding = List.of(
                    Compare.value(b("t/k"), Compare.Result.EQUAL, b("v2")),
                    Compare.version(b("t/k"), Compare.Result.EQUAL, 2),
                    Compare.createRevision(b("t/k"), Compare.Result.EQUAL, created),
                    Compare.modRevision(b("t/k"), Compare.Result.GREATER, created),
                    Compare.lease(b("t/k"), Compare.Result.EQUAL, 0),
                    Compare.modRevision(b("t/absent"), Compare.Result.EQUAL, 0));
            for (Compare compare : holding) {
                TxnResponse answer = (TxnResponse) write(c, new TxnRequest(List.of(compare),
                        List.of(RangeRequest.of(KeyRange.single(b("t/k")))), List.of())).response();
                assertTrue(answer.succeeded(), compare.toString());
            }
            TxnResponse failed = (TxnResponse) write(c, new TxnRequest(
                    List.of(Compare.value(b("t/k"), Compare.Result.EQUAL, b("v2")),
                            Compare.version(b("t/k"), Compare.Result.LESS, 2)),
                    List.of(PutRequest.of(b("t/k"), b("wrong"))),
                    List.of(RangeRequest.of(KeyRange.single(b("t/k"))), PutRequest.of(b("t/other"), b("x"))))).response();
            assertFalse(failed.succeeded(), "every compare must hold");
            assertEquals(2, failed.responses().size());
            assertEquals("v2", s(((RangeResponse) failed.responses().get(0)).kvs().getFirst().value()));

            KvResponse.OpOk swapped = write(c, new TxnRequest(
                    List.of(Compare.modRevision(b("t/k"), Compare.Result.EQUAL, modified)),
                    List.of(PutRequest.of(b("t/k"), b("v3")), PutRequest.of(b("t/k2"), b("w"))), List.of()));
            assertTrue(((TxnResponse) swapped.response()).succeeded());
            RangeResponse both = range(c, RangeRequest.of(KeyRange.prefix(b("t/k"))));
            assertTrue(both.kvs().stream().allMatch(kv -> kv.modRevision() == swapped.revision()),
                    "a txn's changes all carry its revision");
        }
    }

    @Test
    void etcdsChecksAreRefusedBeforeProposingWithEtcdsWords() throws IOException {
        try (RawConnection c = connect()) {
            // A write of our own as the baseline: the leader's first entry may still be committing otherwise.
            long before = assertInstanceOf(Response.PutOk.class,
                    c.call(new Request.Put(ids.incrementAndGet(), b("x/base"), b("1")))).revision();
            assertEquals("etcdserver: duplicate key given in txn request", assertInstanceOf(Response.BadRequest.class,
                    call(c, new TxnRequest(List.of(), List.of(PutRequest.of(b("x/a"), b("1")),
                            PutRequest.of(b("x/a"), b("2"))), List.of()))).message());
            assertEquals("etcdserver: duplicate key given in txn request", assertInstanceOf(Response.BadRequest.class,
                    call(c, new TxnRequest(List.of(), List.of(new DeleteRangeRequest(KeyRange.prefix(b("x/")), false),
                            new TxnRequest(List.of(), List.of(PutRequest.of(b("x/b"), b("1"))), List.of())),
                            List.of()))).message());
            assertEquals("etcdserver: key is not provided", assertInstanceOf(Response.BadRequest.class,
                    call(c, PutRequest.of(new byte[0], b("v")))).message());
            assertEquals("etcdserver: key is not provided", assertInstanceOf(Response.BadRequest.class,
                    call(c, RangeRequest.of(KeyRange.single(new byte[0])))).message());
            assertEquals("etcdserver: value is provided", assertInstanceOf(Response.BadRequest.class,
                    call(c, new PutRequest(b("x/k"), b("v"), 0, false, true, false))).message());
            assertEquals("etcdserver: lease is provided", assertInstanceOf(Response.BadRequest.class,
                    call(c, new PutRequest(b("x/k"), b("v"), 3, false, false, true))).message());
            List<KvOp> many = java.util.Collections.nCopies(129, RangeRequest.of(KeyRange.single(b("x/k"))));
            assertEquals("etcdserver: too many operations in txn request", assertInstanceOf(Response.BadRequest.class,
                    call(c, new TxnRequest(List.of(), many, List.of()))).message());
            assertInstanceOf(Response.TooLarge.class,
                    call(c, PutRequest.of(new byte[ProtocolLimits.MAX_KEY_BYTES + 1], b("v"))));
            assertInstanceOf(Response.TooLarge.class, call(c, new TxnRequest(List.of(),
                    List.of(PutRequest.of(b("x/k"), new byte[TestServers.MAX_VALUE_BYTES + 1])), List.of())));
            byte[] put = KvCodec.encode(PutRequest.of(b("x/k"), b("v")));
            c.sendBody(java.nio.ByteBuffer.allocate(9 + put.length).put((byte) Opcode.TXN.code()).putLong(99)
                    .put(put).array());
            assertTrue(assertInstanceOf(Response.BadRequest.class, c.receive()).message().contains("op must be a txn"));
            assertEquals(before, server.node().status().commitIndex(), "nothing was proposed");
        }
    }
}
