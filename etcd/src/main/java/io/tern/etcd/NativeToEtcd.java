package io.tern.etcd;

import com.google.protobuf.UnsafeByteOperations;
import io.tern.etcd.api.EtcdServerPb;
import io.tern.etcd.api.EtcdServerPb.ResponseHeader;
import io.tern.etcd.api.MvccPb;
import io.tern.kv.DeleteRangeResponse;
import io.tern.kv.KvOpResponse;
import io.tern.kv.PutResponse;
import io.tern.kv.RangeResponse;
import io.tern.kv.TxnResponse;
import io.tern.kv.VersionedKeyValue;

/**
 * Native answers to key operations as etcd's messages. Keys and values are wrapped, not copied:
 * the member never changes a byte array once it has answered with it, and values may be megabytes.
 */
final class NativeToEtcd {

    private NativeToEtcd() {
    }

    static MvccPb.KeyValue keyValue(VersionedKeyValue kv) {
        return MvccPb.KeyValue.newBuilder()
                .setKey(UnsafeByteOperations.unsafeWrap(kv.key()))
                .setValue(UnsafeByteOperations.unsafeWrap(kv.value()))
                .setCreateRevision(kv.createRevision())
                .setModRevision(kv.modRevision())
                .setVersion(kv.version())
                .setLease(kv.lease())
                .build();
    }

    static EtcdServerPb.RangeResponse range(RangeResponse range, ResponseHeader header) {
        EtcdServerPb.RangeResponse.Builder answer = EtcdServerPb.RangeResponse.newBuilder().setHeader(header)
                .setMore(range.more()).setCount(range.count());
        for (VersionedKeyValue kv : range.kvs()) {
            answer.addKvs(keyValue(kv));
        }
        return answer.build();
    }

    static EtcdServerPb.PutResponse put(PutResponse put, ResponseHeader header) {
        EtcdServerPb.PutResponse.Builder answer = EtcdServerPb.PutResponse.newBuilder().setHeader(header);
        if (put.prevKv() != null) {
            answer.setPrevKv(keyValue(put.prevKv()));
        }
        return answer.build();
    }

    static EtcdServerPb.DeleteRangeResponse deleteRange(DeleteRangeResponse delete, ResponseHeader header) {
        EtcdServerPb.DeleteRangeResponse.Builder answer = EtcdServerPb.DeleteRangeResponse.newBuilder()
                .setHeader(header).setDeleted(delete.deleted());
        for (VersionedKeyValue kv : delete.prevKvs()) {
            answer.addPrevKvs(keyValue(kv));
        }
        return answer.build();
    }

    /** @param revision the transaction's revision, which the answers nested in it carry as etcd's do */
    static EtcdServerPb.TxnResponse txn(TxnResponse txn, ResponseHeader header, long revision) {
        EtcdServerPb.TxnResponse.Builder answer = EtcdServerPb.TxnResponse.newBuilder().setHeader(header)
                .setSucceeded(txn.succeeded());
        ResponseHeader nested = ResponseHeaders.nested(revision);
        for (KvOpResponse response : txn.responses()) {
            EtcdServerPb.ResponseOp.Builder op = EtcdServerPb.ResponseOp.newBuilder();
            switch (response) {
                case RangeResponse r -> op.setResponseRange(range(r, nested));
                case PutResponse r -> op.setResponsePut(put(r, nested));
                case DeleteRangeResponse r -> op.setResponseDeleteRange(deleteRange(r, nested));
                case TxnResponse r -> op.setResponseTxn(txn(r, nested, revision));
            }
            answer.addResponses(op);
        }
        return answer.build();
    }
}
