package io.tern.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Response;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.kv.DeleteResponse;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.PutResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tern.client.TernClient;
import io.tern.etcd.api.EtcdServerPb;
import io.tern.server.TernServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * etcd's KV service on one member, driven by jetcd as an application would (and, for what jetcd's
 * API cannot ask, by jetcd's generated stubs): every range option, put and delete options, txn,
 * compaction, the errors etcd clients expect and the response headers. Each test keeps to keys of
 * its own prefix.
 */
@Timeout(120)
class EtcdKvTest {

    @TempDir
    static Path data;

    private static EtcdMembers members;
    private static TernServer member;
    private static Client client;
    private static KV kv;
    private static KVGrpc.KVBlockingStub raw;

    @BeforeAll
    static void start() {
        members = EtcdMembers.start(1, data);
        member = members.only();
        client = members.jetcd(member);
        kv = client.getKVClient();
        raw = KVGrpc.newBlockingStub(members.channel(member));
    }

    /** The member's {@code /metrics} value of {@code sample}, 0 if it is not there yet. */
    private static double metric(String sample) {
        return member.metrics().scrape().lines().filter(line -> line.startsWith(sample + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(sample.length() + 1))).findFirst().orElse(0);
    }

    @Test
    void theGatewaysGrpcTrafficIsMeteredUnderEtcdsNames() throws Exception {
        double receivedBefore = metric("etcd_network_client_grpc_received_bytes_total");
        double sentBefore = metric("etcd_network_client_grpc_sent_bytes_total");
        kv.put(b("metered/key"), ByteSequence.from(new byte[1000])).get();
        assertTrue(metric("etcd_network_client_grpc_received_bytes_total") >= receivedBefore + 1000,
                "the put's value came in over gRPC");
        assertTrue(metric("etcd_network_client_grpc_sent_bytes_total") > sentBefore, "its answer went out");
    }

    @AfterAll
    static void stop() {
        if (members != null) {
            members.close();
        }
    }

    @Test
    void aPutIsReadBackWithEtcdsMetadataAndHeaders() throws Exception {
        PutResponse first = done(kv.put(b("basic/k"), b("v1")));
        PutResponse second = done(kv.put(b("basic/k"), b("v2")));
        assertTrue(second.getHeader().getRevision() > first.getHeader().getRevision());

        GetResponse got = done(kv.get(b("basic/k")));
        KeyValue found = only(got);
        assertEquals("v2", s(found.getValue()));
        assertEquals(first.getHeader().getRevision(), found.getCreateRevision());
        assertEquals(second.getHeader().getRevision(), found.getModRevision());
        assertEquals(2, found.getVersion());
        assertEquals(0, found.getLease());
        assertTrue(got.getHeader().getRevision() >= second.getHeader().getRevision());

        assertEquals(0, done(kv.get(b("basic/absent"))).getCount());
    }

    @Test
    void everyHeaderNamesTheClusterTheMemberAndTheTerm() throws Exception {
        Response.Header put = done(kv.put(b("header/k"), b("v"))).getHeader();
        Response.Header get = done(kv.get(b("header/k"))).getHeader();
        Response.Header delete = done(kv.delete(b("header/k"))).getHeader();
        long clusterId = ResponseHeaders.clusterIdOf(member.engine().identity().clusterId());
        assertNotEquals(0, clusterId);
        for (Response.Header header : List.of(put, get, delete)) {
            assertEquals(clusterId, header.getClusterId());
            assertEquals(member.config().id(), header.getMemberId());
            assertEquals(member.node().status().term(), header.getRaftTerm());
            assertTrue(header.getRaftTerm() > 0);
        }
        assertTrue(get.getRevision() >= put.getRevision());
        assertTrue(delete.getRevision() > put.getRevision());
    }

    @Test
    void aPrefixIsARangeEndAndNulIsEveryKeyFromTheKeyOn() throws Exception {
        for (String key : List.of("prefix/a", "prefix/b", "prefix/c", "prefiy", "zz-from/a", "zz-from/b")) {
            done(kv.put(b(key), b(key)));
        }
        assertEquals(List.of("prefix/a", "prefix/b", "prefix/c"),
                keys(done(kv.get(b("prefix/"), GetOption.builder().isPrefix(true).build()))));
        assertEquals(List.of("prefix/b", "prefix/c"),
                keys(done(kv.get(b("prefix/b"), GetOption.builder().withRange(b("prefix/d")).build()))));
        // No key of the other tests sorts after "zz-".
        assertEquals(List.of("zz-from/b"),
                keys(done(kv.get(b("zz-from/b"), GetOption.builder().withRange(ByteSequence.from(new byte[] {0})).build()))));
    }

    @Test
    void aLimitCutsTheAnswerAndSaysMoreWhileCountingTheWholeRange() throws Exception {
        for (int i = 0; i < 5; i++) {
            done(kv.put(b("limit/" + i), b("v")));
        }
        GetResponse limited = done(kv.get(b("limit/"), GetOption.builder().isPrefix(true).withLimit(2).build()));
        assertEquals(List.of("limit/0", "limit/1"), keys(limited));
        assertTrue(limited.isMore());
        assertEquals(5, limited.getCount());

        GetResponse all = done(kv.get(b("limit/"), GetOption.builder().isPrefix(true).withLimit(5).build()));
        assertFalse(all.isMore());
        assertEquals(5, all.getKvs().size());
    }

    @Test
    void aRangeAtAPastRevisionSeesThatStateAndTheHeaderTheCurrentOne() throws Exception {
        long then = done(kv.put(b("past/k"), b("old"))).getHeader().getRevision();
        long now = done(kv.put(b("past/k"), b("new"))).getHeader().getRevision();
        GetResponse past = done(kv.get(b("past/k"), GetOption.builder().withRevision(then).build()));
        assertEquals("old", s(only(past).getValue()));
        assertEquals(1, only(past).getVersion());
        assertTrue(past.getHeader().getRevision() >= now, "etcd's header carries the current revision");
        assertEquals("new", s(only(done(kv.get(b("past/k")))).getValue()));
    }

    @Test
    void sortsByEveryTargetBothWays() throws Exception {
        // Each target orders the three keys differently: key a,b,c; version c,a,b; create b,c,a;
        // mod c,b,a; value b,a,c.
        String[][] puts = {{"b", "x"}, {"c", "z"}, {"a", "y"}, {"b", "x"}, {"b", "x"}, {"a", "y"}};
        for (String[] put : puts) {
            done(kv.put(b("sort/" + put[0]), b(put[1])));
        }
        assertSorted(GetOption.SortTarget.KEY, "abc");
        assertSorted(GetOption.SortTarget.VERSION, "cab");
        assertSorted(GetOption.SortTarget.CREATE, "bca");
        assertSorted(GetOption.SortTarget.MOD, "cba");
        assertSorted(GetOption.SortTarget.VALUE, "bac");
    }

    private static void assertSorted(GetOption.SortTarget target, String ascending) throws Exception {
        String descending = new StringBuilder(ascending).reverse().toString();
        assertEquals(ascending, sorted(target, GetOption.SortOrder.ASCEND), target + " ascending");
        assertEquals(descending, sorted(target, GetOption.SortOrder.DESCEND), target + " descending");
    }

    private static String sorted(GetOption.SortTarget target, GetOption.SortOrder order) throws Exception {
        GetResponse answer = done(kv.get(b("sort/"), GetOption.builder().isPrefix(true).withSortField(target)
                .withSortOrder(order).build()));
        StringBuilder keys = new StringBuilder();
        for (String key : keys(answer)) {
            keys.append(key.substring("sort/".length()));
        }
        return keys.toString();
    }

    @Test
    void keysOnlyLeavesOutValuesAndCountOnlyLeavesOutKeys() throws Exception {
        done(kv.put(b("only/a"), b("va")));
        done(kv.put(b("only/b"), b("vb")));
        GetResponse keysOnly = done(kv.get(b("only/"), GetOption.builder().isPrefix(true).withKeysOnly(true).build()));
        assertEquals(List.of("only/a", "only/b"), keys(keysOnly));
        assertTrue(keysOnly.getKvs().stream().allMatch(kv -> kv.getValue().isEmpty()));
        assertTrue(keysOnly.getKvs().stream().allMatch(kv -> kv.getVersion() == 1));

        GetResponse countOnly = done(kv.get(b("only/"), GetOption.builder().isPrefix(true).withCountOnly(true).build()));
        assertEquals(0, countOnly.getKvs().size());
        assertEquals(2, countOnly.getCount());
    }

    @Test
    void minAndMaxRevisionsFilterByModAndCreateRevision() throws Exception {
        long a = done(kv.put(b("minmax/a"), b("1"))).getHeader().getRevision();
        long bCreated = done(kv.put(b("minmax/b"), b("1"))).getHeader().getRevision();
        long c = done(kv.put(b("minmax/c"), b("1"))).getHeader().getRevision();
        long bModified = done(kv.put(b("minmax/b"), b("2"))).getHeader().getRevision();
        assertEquals(List.of("minmax/b", "minmax/c"), keys(done(kv.get(b("minmax/"),
                GetOption.builder().isPrefix(true).withMinModRevision(c).build()))));
        assertEquals(List.of("minmax/a", "minmax/c"), keys(done(kv.get(b("minmax/"),
                GetOption.builder().isPrefix(true).withMaxModRevision(c).build()))));
        assertEquals(List.of("minmax/b", "minmax/c"), keys(done(kv.get(b("minmax/"),
                GetOption.builder().isPrefix(true).withMinCreateRevision(bCreated).build()))));
        assertEquals(List.of("minmax/a", "minmax/b"), keys(done(kv.get(b("minmax/"),
                GetOption.builder().isPrefix(true).withMaxCreateRevision(bCreated).build()))));
        assertEquals(List.of("minmax/b"), keys(done(kv.get(b("minmax/"),
                GetOption.builder().isPrefix(true).withMinModRevision(bModified).withMaxCreateRevision(bCreated).build()))));
        assertTrue(a < bCreated);
    }

    @Test
    void aSerializableRangeIsAnsweredFromTheMembersOwnState() throws Exception {
        long put = done(kv.put(b("serializable/k"), b("v"))).getHeader().getRevision();
        GetResponse answer = done(kv.get(b("serializable/k"), GetOption.builder().withSerializable(true).build()));
        assertEquals("v", s(only(answer).getValue()));
        assertTrue(answer.getHeader().getRevision() >= put);
    }

    @Test
    void prevKvOnPutAndDeleteAnswersWhatTheKeysHeld() throws Exception {
        PutResponse created = done(kv.put(b("prev/k"), b("v1"), PutOption.builder().withPrevKV().build()));
        assertFalse(created.hasPrevKv());
        PutResponse replaced = done(kv.put(b("prev/k"), b("v2"), PutOption.builder().withPrevKV().build()));
        assertTrue(replaced.hasPrevKv());
        assertEquals("v1", s(replaced.getPrevKv().getValue()));
        assertEquals(created.getHeader().getRevision(), replaced.getPrevKv().getModRevision());
        done(kv.put(b("prev/l"), b("w")));

        DeleteResponse deleted = done(kv.delete(b("prev/"), DeleteOption.builder().isPrefix(true).withPrevKV(true).build()));
        assertEquals(2, deleted.getDeleted());
        assertEquals(List.of("prev/k=v2", "prev/l=w"),
                deleted.getPrevKvs().stream().map(kv -> s(kv.getKey()) + "=" + s(kv.getValue())).toList());
        assertEquals(0, done(kv.get(b("prev/"), GetOption.builder().isPrefix(true).build())).getCount());
    }

    @Test
    void aDeleteRangeCountsWhatItDeleted() throws Exception {
        for (String key : List.of("del/a", "del/b", "del/c", "del0")) {
            done(kv.put(b(key), b("v")));
        }
        DeleteResponse deleted = done(kv.delete(b("del/a"), DeleteOption.builder().withRange(b("del/c")).build()));
        assertEquals(2, deleted.getDeleted());
        assertTrue(deleted.getPrevKvs().isEmpty(), "no prev_kv unless asked");
        assertEquals(List.of("del/c"), keys(done(kv.get(b("del/"), GetOption.builder().isPrefix(true).build()))));
        assertEquals(0, done(kv.delete(b("del/none"))).getDeleted());
    }

    @Test
    void ignoreValueAndIgnoreLeaseKeepWhatTheKeyHasAndRefuseWhatEtcdRefuses() throws Exception {
        long lease;
        try (TernClient tern = TernClient.connect(List.of(EtcdMembers.nativeAddress(member)))) {
            lease = tern.leases().grant(600).id();
        }
        done(kv.put(b("ignore/k"), b("kept"), PutOption.builder().withLeaseId(lease).build()));

        raw.put(io.etcd.jetcd.api.PutRequest.newBuilder().setKey(bs("ignore/k")).setIgnoreValue(true)
                .setIgnoreLease(true).build());
        KeyValue unchanged = only(done(kv.get(b("ignore/k"))));
        assertEquals("kept", s(unchanged.getValue()));
        assertEquals(lease, unchanged.getLease());
        assertEquals(2, unchanged.getVersion());

        raw.put(io.etcd.jetcd.api.PutRequest.newBuilder().setKey(bs("ignore/k")).setValue(bs("new"))
                .setIgnoreLease(true).build());
        KeyValue newValue = only(done(kv.get(b("ignore/k"))));
        assertEquals("new", s(newValue.getValue()));
        assertEquals(lease, newValue.getLease());

        assertRefused(Status.Code.INVALID_ARGUMENT, "etcdserver: value is provided", () -> raw.put(
                io.etcd.jetcd.api.PutRequest.newBuilder().setKey(bs("ignore/k")).setValue(bs("x")).setIgnoreValue(true).build()));
        assertRefused(Status.Code.INVALID_ARGUMENT, "etcdserver: lease is provided", () -> raw.put(
                io.etcd.jetcd.api.PutRequest.newBuilder().setKey(bs("ignore/k")).setLease(lease).setIgnoreLease(true).build()));
        assertRefused(Status.Code.INVALID_ARGUMENT, "etcdserver: key not found", () -> raw.put(
                io.etcd.jetcd.api.PutRequest.newBuilder().setKey(bs("ignore/absent")).setIgnoreValue(true).build()));
    }

    @Test
    void aPutWithALeaseThatDoesNotExistIsNotFound() {
        assertFailed(Status.Code.NOT_FOUND, "etcdserver: requested lease not found",
                kv.put(b("lease/k"), b("v"), PutOption.builder().withLeaseId(0x7e57).build()));
    }

    @Test
    void aTxnRunsSuccessOrFailureByEachCompareTarget() throws Exception {
        PutResponse put = done(kv.put(b("txn/k"), b("v1")));
        long revision = put.getHeader().getRevision();
        List<Cmp> holding = List.of(
                new Cmp(b("txn/k"), Cmp.Op.EQUAL, CmpTarget.value(b("v1"))),
                new Cmp(b("txn/k"), Cmp.Op.GREATER, CmpTarget.value(b("v0"))),
                new Cmp(b("txn/k"), Cmp.Op.EQUAL, CmpTarget.version(1)),
                new Cmp(b("txn/k"), Cmp.Op.LESS, CmpTarget.version(2)),
                new Cmp(b("txn/k"), Cmp.Op.EQUAL, CmpTarget.createRevision(revision)),
                new Cmp(b("txn/k"), Cmp.Op.EQUAL, CmpTarget.modRevision(revision)),
                new Cmp(b("txn/k"), Cmp.Op.NOT_EQUAL, CmpTarget.modRevision(revision + 1)),
                new Cmp(b("txn/absent"), Cmp.Op.EQUAL, CmpTarget.version(0)));
        for (Cmp compare : holding) {
            TxnResponse answer = done(kv.txn().If(compare).Then(Op.get(b("txn/k"), GetOption.DEFAULT))
                    .Else(Op.put(b("txn/else"), b("ran"), PutOption.DEFAULT)).commit());
            assertTrue(answer.isSucceeded(), compare.toString());
            assertEquals("v1", s(answer.getGetResponses().getFirst().getKvs().getFirst().getValue()));
            assertTrue(answer.getPutResponses().isEmpty());
        }

        TxnResponse failed = done(kv.txn().If(new Cmp(b("txn/k"), Cmp.Op.EQUAL, CmpTarget.value(b("other"))))
                .Then(Op.put(b("txn/then"), b("ran"), PutOption.DEFAULT))
                .Else(Op.put(b("txn/else"), b("ran"), PutOption.DEFAULT), Op.delete(b("txn/k"), DeleteOption.DEFAULT))
                .commit());
        assertFalse(failed.isSucceeded());
        assertEquals(1, failed.getPutResponses().size());
        assertEquals(1, failed.getDeleteResponses().getFirst().getDeleted());
        assertEquals(0, done(kv.get(b("txn/then"))).getCount());
        assertEquals("ran", s(only(done(kv.get(b("txn/else")))).getValue()));
        assertEquals(0, done(kv.get(b("txn/k"))).getCount());
        assertTrue(failed.getHeader().getRevision() > revision);
    }

    @Test
    void aTxnComparesWholeRanges() {
        raw.put(io.etcd.jetcd.api.PutRequest.newBuilder().setKey(bs("txnrange/a")).setValue(bs("1")).build());
        raw.put(io.etcd.jetcd.api.PutRequest.newBuilder().setKey(bs("txnrange/b")).setValue(bs("1")).build());
        Compare everyValueIsOne = Compare.newBuilder().setKey(bs("txnrange/")).setRangeEnd(bs("txnrange0"))
                .setTarget(Compare.CompareTarget.VALUE).setResult(Compare.CompareResult.EQUAL).setValue(bs("1")).build();
        assertTrue(raw.txn(TxnRequest.newBuilder().addCompare(everyValueIsOne).build()).getSucceeded());

        raw.put(io.etcd.jetcd.api.PutRequest.newBuilder().setKey(bs("txnrange/b")).setValue(bs("2")).build());
        assertFalse(raw.txn(TxnRequest.newBuilder().addCompare(everyValueIsOne).build()).getSucceeded());
    }

    /** jetcd's proto files predate the LEASE target: this one asks with the gateway's own. */
    @Test
    void aTxnComparesLeases() throws Exception {
        long lease;
        try (TernClient tern = TernClient.connect(List.of(EtcdMembers.nativeAddress(member)))) {
            lease = tern.leases().grant(600).id();
        }
        done(kv.put(b("txnlease/leased"), b("v"), PutOption.builder().withLeaseId(lease).build()));
        done(kv.put(b("txnlease/free"), b("v")));
        io.tern.etcd.api.KVGrpc.KVBlockingStub ours = io.tern.etcd.api.KVGrpc.newBlockingStub(members.channel(member));
        assertTrue(ours.txn(leaseCompare("txnlease/leased", EtcdServerPb.Compare.CompareResult.EQUAL, lease)).getSucceeded());
        assertTrue(ours.txn(leaseCompare("txnlease/free", EtcdServerPb.Compare.CompareResult.EQUAL, 0)).getSucceeded());
        assertFalse(ours.txn(leaseCompare("txnlease/free", EtcdServerPb.Compare.CompareResult.GREATER, 0)).getSucceeded());
        assertFalse(ours.txn(leaseCompare("txnlease/leased", EtcdServerPb.Compare.CompareResult.LESS, lease)).getSucceeded());
    }

    private static EtcdServerPb.TxnRequest leaseCompare(String key, EtcdServerPb.Compare.CompareResult result, long lease) {
        return EtcdServerPb.TxnRequest.newBuilder().addCompare(EtcdServerPb.Compare.newBuilder().setKey(bs(key))
                .setTarget(EtcdServerPb.Compare.CompareTarget.LEASE).setResult(result).setLease(lease)).build();
    }

    @Test
    void aNestedTxnRunsInsideItsParentAtOneRevision() throws Exception {
        done(kv.put(b("nested/flag"), b("on")));
        TxnResponse answer = done(kv.txn().If(new Cmp(b("nested/flag"), Cmp.Op.EQUAL, CmpTarget.value(b("on"))))
                .Then(Op.put(b("nested/outer"), b("1"), PutOption.DEFAULT),
                        Op.txn(new Cmp[] {new Cmp(b("nested/outer"), Cmp.Op.EQUAL, CmpTarget.version(0))},
                                new Op[] {Op.put(b("nested/inner"), b("then"), PutOption.DEFAULT)},
                                new Op[] {Op.put(b("nested/inner"), b("else"), PutOption.DEFAULT)}))
                .commit());
        assertTrue(answer.isSucceeded());
        TxnResponse inner = answer.getTxnResponses().getFirst();
        // The inner compares see the state before the transaction began, as etcd's do.
        assertTrue(inner.isSucceeded());
        KeyValue outer = only(done(kv.get(b("nested/outer"))));
        KeyValue nested = only(done(kv.get(b("nested/inner"))));
        assertEquals("then", s(nested.getValue()));
        assertEquals(outer.getModRevision(), nested.getModRevision());
        assertEquals(answer.getHeader().getRevision(), nested.getModRevision());
    }

    @Test
    void aTxnWithADuplicateKeyOrTooManyOperationsIsRefusedAsEtcdRefusesIt() {
        assertFailed(Status.Code.INVALID_ARGUMENT, "etcdserver: duplicate key given in txn request",
                kv.txn().Then(Op.put(b("dup/k"), b("1"), PutOption.DEFAULT),
                        Op.put(b("dup/k"), b("2"), PutOption.DEFAULT)).commit());

        List<Op> puts = new ArrayList<>();
        for (int i = 0; i <= 128; i++) {
            puts.add(Op.put(b("many/" + i), b("v"), PutOption.DEFAULT));
        }
        assertFailed(Status.Code.INVALID_ARGUMENT, "etcdserver: too many operations in txn request",
                kv.txn().Then(puts.toArray(Op[]::new)).commit());

        assertRefused(Status.Code.INVALID_ARGUMENT, "etcdserver: key not found",
                () -> raw.txn(TxnRequest.newBuilder().addSuccess(RequestOp.getDefaultInstance()).build()));
    }

    @Test
    void transactionsNestAtMostSixteenDeep() {
        TxnRequest deepest = TxnRequest.newBuilder()
                .addSuccess(RequestOp.newBuilder().setRequestPut(io.etcd.jetcd.api.PutRequest.newBuilder()
                        .setKey(bs("deep/k")).setValue(bs("v")))).build();
        for (int depth = 1; depth < 16; depth++) {
            deepest = TxnRequest.newBuilder().addSuccess(RequestOp.newBuilder().setRequestTxn(deepest)).build();
        }
        assertTrue(raw.txn(deepest).getSucceeded());
        TxnRequest tooDeep = TxnRequest.newBuilder().addSuccess(RequestOp.newBuilder().setRequestTxn(deepest)).build();
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> raw.txn(tooDeep));
        assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
    }

    @Test
    void anEmptyKeyIsNotProvided() {
        assertFailed(Status.Code.INVALID_ARGUMENT, "etcdserver: key is not provided", kv.get(ByteSequence.EMPTY));
        assertRefused(Status.Code.INVALID_ARGUMENT, "etcdserver: key is not provided",
                () -> raw.put(io.etcd.jetcd.api.PutRequest.newBuilder().setValue(bs("v")).build()));
    }

    @Test
    void aValueOverTheMembersLimitIsTooLarge() {
        byte[] value = new byte[EtcdMembers.MAX_VALUE_BYTES + 1];
        assertFailed(Status.Code.INVALID_ARGUMENT, "etcdserver: request is too large",
                kv.put(b("large/k"), ByteSequence.from(value)));
    }

    @Test
    void aFutureRevisionIsOutOfRange() throws Exception {
        long now = done(kv.put(b("future/k"), b("v"))).getHeader().getRevision();
        assertFailed(Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision is a future revision",
                kv.get(b("future/k"), GetOption.builder().withRevision(now + 1000).build()));
    }

    @Test
    void afterACompactionTheHistoryBelowItIsCompacted() throws Exception {
        long first = done(kv.put(b("compact/k"), b("v1"))).getHeader().getRevision();
        long second = done(kv.put(b("compact/k"), b("v2"))).getHeader().getRevision();
        assertEquals("v1", s(only(done(kv.get(b("compact/k"), GetOption.builder().withRevision(first).build()))).getValue()));

        Response.Header compacted = done(kv.compact(second)).getHeader();
        assertTrue(compacted.getRevision() >= second);
        assertEquals(member.config().id(), compacted.getMemberId());

        assertFailed(Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision has been compacted",
                kv.get(b("compact/k"), GetOption.builder().withRevision(first).build()));
        assertEquals("v2", s(only(done(kv.get(b("compact/k"), GetOption.builder().withRevision(second).build()))).getValue()));

        assertFailed(Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision has been compacted",
                kv.compact(second));
    }

    static <T> T done(CompletableFuture<T> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    /**
     * The status jetcd failed {@code future} with. jetcd 0.8.7's KV client fails with the gRPC
     * {@link StatusRuntimeException} itself (not its own EtcdException), as the server sent it.
     */
    static Status failure(CompletableFuture<?> future) {
        ExecutionException failed = assertThrows(ExecutionException.class, () -> future.get(30, TimeUnit.SECONDS));
        assertInstanceOf(StatusRuntimeException.class, failed.getCause(), "jetcd's failure");
        return Status.fromThrowable(failed);
    }

    static void assertFailed(Status.Code code, String message, CompletableFuture<?> future) {
        Status status = failure(future);
        assertEquals(code, status.getCode(), status.toString());
        assertEquals(message, status.getDescription());
    }

    static void assertRefused(Status.Code code, String message, Runnable call) {
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(code, refused.getStatus().getCode(), refused.toString());
        assertEquals(message, refused.getStatus().getDescription());
    }

    static KeyValue only(GetResponse answer) {
        assertEquals(1, answer.getKvs().size(), () -> "one key, got " + keys(answer));
        return answer.getKvs().getFirst();
    }

    static List<String> keys(GetResponse answer) {
        return answer.getKvs().stream().map(kv -> s(kv.getKey())).toList();
    }

    static ByteSequence b(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    static ByteString bs(String text) {
        return ByteString.copyFromUtf8(text);
    }

    static String s(ByteSequence bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
