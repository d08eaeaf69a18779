package io.tern.etcd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tern.client.protocol.KvRequest;
import io.tern.client.protocol.ReadMode;
import io.tern.etcd.api.EtcdServerPb;
import io.tern.kv.Compare;
import io.tern.kv.KeyRange;
import io.tern.kv.KvCodec;
import io.tern.kv.PutRequest;
import io.tern.kv.RangeRequest;
import io.tern.kv.SortOrder;
import io.tern.kv.SortTarget;
import io.tern.kv.TxnRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** etcd's KV requests become native ones field by field, and always ones the native form can carry. */
class EtcdToNativeTest {

    @Test
    void everyRangeFieldIsCarried() {
        EtcdServerPb.RangeRequest etcd = EtcdServerPb.RangeRequest.newBuilder().setKey(bs("a")).setRangeEnd(bs("b"))
                .setLimit(3).setRevision(9).setSortOrder(EtcdServerPb.RangeRequest.SortOrder.DESCEND)
                .setSortTarget(EtcdServerPb.RangeRequest.SortTarget.MOD).setKeysOnly(true).setCountOnly(true)
                .setMinModRevision(2).setMaxModRevision(8).setMinCreateRevision(1).setMaxCreateRevision(7).build();
        KvRequest.Range range = EtcdToNative.range(5, etcd);
        assertEquals(5, range.requestId());
        assertEquals(ReadMode.LINEARIZABLE, range.readMode());
        assertEquals(new RangeRequest(new KeyRange(b("a"), b("b")), 3, 9, SortOrder.DESCEND, SortTarget.MOD, true, true,
                2, 8, 1, 7), range.range());

        assertEquals(ReadMode.LOCAL, EtcdToNative.range(6, etcd.toBuilder().setSerializable(true).build()).readMode());
    }

    @Test
    void negativeNumbersMeanNoneAsEtcdReadsThem() {
        EtcdServerPb.RangeRequest etcd = EtcdServerPb.RangeRequest.newBuilder().setKey(bs("a")).setLimit(-1)
                .setRevision(-2).setMinModRevision(-3).setMaxModRevision(-4).setMinCreateRevision(-5)
                .setMaxCreateRevision(-6).build();
        assertEquals(RangeRequest.of(KeyRange.single(b("a"))), EtcdToNative.range(1, etcd).range());
        assertEquals(0, EtcdToNative.compact(1, EtcdServerPb.CompactionRequest.newBuilder().setRevision(-1).build())
                .revision());
    }

    @Test
    void everyPutFieldIsCarried() {
        KvRequest.Write put = EtcdToNative.put(1, EtcdServerPb.PutRequest.newBuilder().setKey(bs("k")).setValue(bs("v"))
                .setLease(42).setPrevKv(true).setIgnoreValue(true).setIgnoreLease(true).build());
        assertEquals(new PutRequest(b("k"), b("v"), 42, true, true, true), put.op());
    }

    @Test
    void aCompareReadsTheUnionFieldItsTargetNames() {
        EtcdServerPb.Compare.Builder compare = EtcdServerPb.Compare.newBuilder().setKey(bs("k")).setRangeEnd(bs("l"))
                .setResult(EtcdServerPb.Compare.CompareResult.NOT_EQUAL);
        assertEquals(new Compare(new KeyRange(b("k"), b("l")), Compare.Target.VERSION, Compare.Result.NOT_EQUAL, 3,
                        new byte[0]),
                compareOf(compare.clone().setTarget(EtcdServerPb.Compare.CompareTarget.VERSION).setVersion(3)));
        assertEquals(4, compareOf(compare.clone().setTarget(EtcdServerPb.Compare.CompareTarget.CREATE)
                .setCreateRevision(4)).number());
        assertEquals(5, compareOf(compare.clone().setTarget(EtcdServerPb.Compare.CompareTarget.MOD)
                .setModRevision(5)).number());
        assertEquals(6, compareOf(compare.clone().setTarget(EtcdServerPb.Compare.CompareTarget.LEASE).setLease(6))
                .number());
        assertArrayEquals(b("x"), compareOf(compare.clone().setTarget(EtcdServerPb.Compare.CompareTarget.VALUE)
                .setValue(bs("x"))).value());
        // A union holding another field than the target's counts as zero, as in etcd.
        assertEquals(0, compareOf(compare.clone().setTarget(EtcdServerPb.Compare.CompareTarget.MOD).setVersion(3))
                .number());
    }

    @Test
    void anOperationThatNamesNoRequestIsEtcdsKeyNotFound() {
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> EtcdToNative.txn(1,
                EtcdServerPb.TxnRequest.newBuilder().addFailure(EtcdServerPb.RequestOp.getDefaultInstance()).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
        assertEquals("etcdserver: key not found", refused.getStatus().getDescription());
    }

    @Test
    void transactionsNestNoDeeperThanTheNativeFormCarries() {
        EtcdServerPb.TxnRequest txn = EtcdServerPb.TxnRequest.getDefaultInstance();
        for (int depth = 1; depth < KvCodec.MAX_TXN_DEPTH; depth++) {
            txn = EtcdServerPb.TxnRequest.newBuilder().addSuccess(EtcdServerPb.RequestOp.newBuilder().setRequestTxn(txn))
                    .build();
        }
        KvRequest.Write deepest = EtcdToNative.txn(1, txn);
        // What the member puts in its log must decode again.
        assertEquals(deepest.op(), KvCodec.decodeOp(KvCodec.encode(deepest.op())));

        EtcdServerPb.TxnRequest tooDeep = EtcdServerPb.TxnRequest.newBuilder()
                .addSuccess(EtcdServerPb.RequestOp.newBuilder().setRequestTxn(txn)).build();
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> EtcdToNative.txn(1, tooDeep));
        assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
    }

    @Test
    void anUnknownSortOrderIsRefused() {
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> EtcdToNative.range(1,
                EtcdServerPb.RangeRequest.newBuilder().setKey(bs("k")).setSortOrderValue(7).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
    }

    private static Compare compareOf(EtcdServerPb.Compare.Builder compare) {
        TxnRequest txn = assertInstanceOf(TxnRequest.class,
                EtcdToNative.txn(1, EtcdServerPb.TxnRequest.newBuilder().addCompare(compare).build()).op());
        assertEquals(List.of(), txn.success());
        return txn.compare().getFirst();
    }

    private static ByteString bs(String text) {
        return ByteString.copyFromUtf8(text);
    }

    private static byte[] b(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
