package io.tern.etcd;

import io.grpc.stub.StreamObserver;
import io.tern.client.protocol.KvResponse;
import io.tern.client.protocol.Response;
import io.tern.etcd.api.EtcdServerPb;
import io.tern.etcd.api.KVGrpc;
import io.tern.kv.DeleteRangeResponse;
import io.tern.kv.KvOpResponse;
import io.tern.kv.PutResponse;
import io.tern.kv.RangeResponse;
import io.tern.kv.TxnResponse;
import java.util.function.LongSupplier;

/**
 * etcd's KV service: Range, Put, DeleteRange, Txn and Compact, each one native request (RANGE,
 * PUT_KV, DELETE_RANGE, TXN, COMPACT) served through {@link NativeCalls}.
 */
final class KvService extends KVGrpc.KVImplBase {

    private final NativeCalls calls;
    private final ResponseHeaders headers;
    private final LongSupplier appliedRevision;

    /** @param appliedRevision this member's applied revision, for the header of a range at a past revision */
    KvService(NativeCalls calls, ResponseHeaders headers, LongSupplier appliedRevision) {
        this.calls = calls;
        this.headers = headers;
        this.appliedRevision = appliedRevision;
    }

    @Override
    public void range(EtcdServerPb.RangeRequest request, StreamObserver<EtcdServerPb.RangeResponse> call) {
        calls.serve(call, id -> EtcdToNative.range(id, request), response -> {
            KvResponse.OpOk ok = opOk(response);
            return NativeToEtcd.range(answer(ok, RangeResponse.class), headers.at(headerRevision(request, ok)));
        });
    }

    @Override
    public void put(EtcdServerPb.PutRequest request, StreamObserver<EtcdServerPb.PutResponse> call) {
        calls.serve(call, id -> EtcdToNative.put(id, request), response -> {
            KvResponse.OpOk ok = opOk(response);
            return NativeToEtcd.put(answer(ok, PutResponse.class), headers.at(ok.revision()));
        });
    }

    @Override
    public void deleteRange(EtcdServerPb.DeleteRangeRequest request,
                            StreamObserver<EtcdServerPb.DeleteRangeResponse> call) {
        calls.serve(call, id -> EtcdToNative.deleteRange(id, request), response -> {
            KvResponse.OpOk ok = opOk(response);
            return NativeToEtcd.deleteRange(answer(ok, DeleteRangeResponse.class), headers.at(ok.revision()));
        });
    }

    @Override
    public void txn(EtcdServerPb.TxnRequest request, StreamObserver<EtcdServerPb.TxnResponse> call) {
        calls.serve(call, id -> EtcdToNative.txn(id, request), response -> {
            KvResponse.OpOk ok = opOk(response);
            return NativeToEtcd.txn(answer(ok, TxnResponse.class), headers.at(ok.revision()), ok.revision());
        });
    }

    /**
     * {@code physical} is accepted and has nothing to change: the member answers once the compaction
     * entry is applied, and applying it has already deleted the history below the revision.
     */
    @Override
    public void compact(EtcdServerPb.CompactionRequest request, StreamObserver<EtcdServerPb.CompactionResponse> call) {
        calls.serve(call, id -> EtcdToNative.compact(id, request), response -> {
            if (!(response instanceof KvResponse.CompactOk ok)) {
                throw new NativeCalls.UnexpectedAnswer();
            }
            return EtcdServerPb.CompactionResponse.newBuilder().setHeader(headers.at(ok.revision())).build();
        });
    }

    /**
     * etcd's header carries the store's current revision. A current read was made at it; a read at a
     * past revision answers with that revision natively, and the member has applied at least as far.
     */
    private long headerRevision(EtcdServerPb.RangeRequest request, KvResponse.OpOk ok) {
        return request.getRevision() > 0 ? Math.max(ok.revision(), appliedRevision.getAsLong()) : ok.revision();
    }

    private static KvResponse.OpOk opOk(Response response) {
        if (response instanceof KvResponse.OpOk ok) {
            return ok;
        }
        throw new NativeCalls.UnexpectedAnswer();
    }

    private static <T extends KvOpResponse> T answer(KvResponse.OpOk ok, Class<T> kind) {
        if (kind.isInstance(ok.response())) {
            return kind.cast(ok.response());
        }
        throw new NativeCalls.UnexpectedAnswer();
    }
}
