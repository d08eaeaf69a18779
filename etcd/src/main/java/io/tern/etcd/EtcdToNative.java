package io.tern.etcd;

import com.google.protobuf.ByteString;
import io.tern.client.protocol.KvRequest;
import io.tern.client.protocol.ReadMode;
import io.tern.etcd.api.EtcdServerPb;
import io.tern.kv.Bytes;
import io.tern.kv.Compare;
import io.tern.kv.DeleteRangeRequest;
import io.tern.kv.KeyRange;
import io.tern.kv.KvCodec;
import io.tern.kv.KvOp;
import io.tern.kv.PutRequest;
import io.tern.kv.RangeRequest;
import io.tern.kv.SortOrder;
import io.tern.kv.SortTarget;
import io.tern.kv.TxnRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * etcd's KV requests as native requests. What comes out is always something the native protocol
 * can carry (the dispatcher may forward it to the leader, and writes go into the log in
 * {@link KvCodec}'s form): numbers etcd reads as "none" when zero or negative become 0, and a
 * request the native form cannot hold is refused here. etcd's own rules (empty keys, duplicate keys,
 * too many operations) are left to the member, which checks them for every client alike.
 */
final class EtcdToNative {

    private EtcdToNative() {
    }

    /** A serializable range is answered from the receiving member's state, as etcd answers it. */
    static KvRequest.Range range(long requestId, EtcdServerPb.RangeRequest request) {
        ReadMode mode = request.getSerializable() ? ReadMode.LOCAL : ReadMode.LINEARIZABLE;
        return new KvRequest.Range(requestId, mode, 0, rangeOp(request));
    }

    static KvRequest.Write put(long requestId, EtcdServerPb.PutRequest request) {
        return new KvRequest.Write(requestId, putOp(request));
    }

    static KvRequest.Write deleteRange(long requestId, EtcdServerPb.DeleteRangeRequest request) {
        return new KvRequest.Write(requestId, deleteOp(request));
    }

    static KvRequest.Write txn(long requestId, EtcdServerPb.TxnRequest request) {
        return new KvRequest.Write(requestId, txnOp(request, 0));
    }

    /** etcd compacts nothing below revision 1 either; a negative revision is read as 0. */
    static KvRequest.Compact compact(long requestId, EtcdServerPb.CompactionRequest request) {
        return new KvRequest.Compact(requestId, noneIfNegative(request.getRevision()));
    }

    private static RangeRequest rangeOp(EtcdServerPb.RangeRequest request) {
        SortOrder order = SortOrder.fromCode(request.getSortOrderValue());
        if (order == null) {
            throw EtcdErrors.invalid("unknown sort order " + request.getSortOrderValue());
        }
        SortTarget target = SortTarget.fromCode(request.getSortTargetValue());
        if (target == null) {
            throw EtcdErrors.invalid("unknown sort target " + request.getSortTargetValue());
        }
        return new RangeRequest(keyRange(request.getKey(), request.getRangeEnd()),
                noneIfNegative(request.getLimit()), noneIfNegative(request.getRevision()), order, target,
                request.getKeysOnly(), request.getCountOnly(),
                noneIfNegative(request.getMinModRevision()), noneIfNegative(request.getMaxModRevision()),
                noneIfNegative(request.getMinCreateRevision()), noneIfNegative(request.getMaxCreateRevision()));
    }

    private static PutRequest putOp(EtcdServerPb.PutRequest request) {
        return new PutRequest(request.getKey().toByteArray(), request.getValue().toByteArray(), request.getLease(),
                request.getPrevKv(), request.getIgnoreValue(), request.getIgnoreLease());
    }

    private static DeleteRangeRequest deleteOp(EtcdServerPb.DeleteRangeRequest request) {
        return new DeleteRangeRequest(keyRange(request.getKey(), request.getRangeEnd()),
                request.getPrevKv());
    }

    /** @param depth how many transactions hold this one */
    private static TxnRequest txnOp(EtcdServerPb.TxnRequest request, int depth) {
        if (depth >= KvCodec.MAX_TXN_DEPTH) {
            throw EtcdErrors.invalid("transactions may nest at most " + KvCodec.MAX_TXN_DEPTH + " deep");
        }
        List<Compare> compares = new ArrayList<>(request.getCompareCount());
        for (EtcdServerPb.Compare compare : request.getCompareList()) {
            compares.add(compare(compare));
        }
        return new TxnRequest(compares, ops(request.getSuccessList(), depth + 1), ops(request.getFailureList(), depth + 1));
    }

    private static List<KvOp> ops(List<EtcdServerPb.RequestOp> requests, int depth) {
        List<KvOp> ops = new ArrayList<>(requests.size());
        for (EtcdServerPb.RequestOp request : requests) {
            ops.add(switch (request.getRequestCase()) {
                case REQUEST_RANGE -> rangeOp(request.getRequestRange());
                case REQUEST_PUT -> putOp(request.getRequestPut());
                case REQUEST_DELETE_RANGE -> deleteOp(request.getRequestDeleteRange());
                case REQUEST_TXN -> txnOp(request.getRequestTxn(), depth);
                // etcd's own answer to an operation that names no request.
                case REQUEST_NOT_SET -> throw EtcdErrors.invalid(EtcdErrors.KEY_NOT_FOUND);
            });
        }
        return ops;
    }

    /**
     * etcd reads the field of the union that the target names; any other (or none) counts as zero
     * or empty, as a Go type assertion that fails gives.
     */
    private static Compare compare(EtcdServerPb.Compare compare) {
        Compare.Target target = Compare.Target.fromCode(compare.getTargetValue());
        if (target == null) {
            throw EtcdErrors.invalid("unknown compare target " + compare.getTargetValue());
        }
        Compare.Result result = Compare.Result.fromCode(compare.getResultValue());
        if (result == null) {
            throw EtcdErrors.invalid("unknown compare result " + compare.getResultValue());
        }
        KeyRange range = keyRange(compare.getKey(), compare.getRangeEnd());
        return switch (target) {
            case VERSION -> new Compare(range, target, result, compare.getVersion(), Bytes.EMPTY);
            case CREATE -> new Compare(range, target, result, compare.getCreateRevision(), Bytes.EMPTY);
            case MOD -> new Compare(range, target, result, compare.getModRevision(), Bytes.EMPTY);
            case LEASE -> new Compare(range, target, result, compare.getLease(), Bytes.EMPTY);
            case VALUE -> new Compare(range, target, result, 0, compare.getValue().toByteArray());
        };
    }

    static KeyRange keyRange(ByteString key, ByteString rangeEnd) {
        return new KeyRange(key.toByteArray(), rangeEnd.toByteArray());
    }

    private static long noneIfNegative(long number) {
        return Math.max(0, number);
    }
}
