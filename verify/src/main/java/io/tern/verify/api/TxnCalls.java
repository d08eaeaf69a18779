package io.tern.verify.api;

import io.tern.kv.Compare;
import io.tern.kv.DeleteRangeRequest;
import io.tern.kv.KeyRange;
import io.tern.kv.KvOp;
import io.tern.kv.KvOpResponse;
import io.tern.kv.PutRequest;
import io.tern.kv.RangeRequest;
import io.tern.kv.RangeResponse;
import io.tern.kv.TxnRequest;
import io.tern.kv.TxnResponse;
import io.tern.verify.history.Call;
import io.tern.verify.history.Outcome;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A verifier {@link Call.Txn} as the native TXN request (etcd's transaction in Tern's model), and the answer back as an
 * outcome: each guard is a compare (value equal, or version 0 for "absent"), the writes are the
 * success branch, and the failure branch reads every guarded key.
 */
final class TxnCalls {

    private TxnCalls() {
    }

    static TxnRequest request(Call.Txn txn) {
        List<Compare> compares = new ArrayList<>();
        List<KvOp> reads = new ArrayList<>();
        for (Call.Guard guard : txn.guards()) {
            byte[] key = bytes(guard.key());
            compares.add(guard.expected() == null ? Compare.version(key, Compare.Result.EQUAL, 0)
                    : Compare.value(key, Compare.Result.EQUAL, bytes(guard.expected())));
            reads.add(RangeRequest.of(KeyRange.single(key)));
        }
        List<KvOp> writes = new ArrayList<>();
        for (Call.BatchWrite write : txn.writes()) {
            writes.add(write.value() == null ? new DeleteRangeRequest(KeyRange.single(bytes(write.key())), false)
                    : PutRequest.of(bytes(write.key()), bytes(write.value())));
        }
        return new TxnRequest(compares, writes, reads);
    }

    /**
     * @throws IllegalStateException if the answer does not have the shape {@link #request} asks
     *     for: the server answered another transaction
     */
    static Outcome outcome(Call.Txn txn, TxnResponse response) {
        if (response.succeeded()) {
            return new Outcome.Written();
        }
        if (response.responses().size() != txn.guards().size()) {
            throw new IllegalStateException("a failed txn answered " + response.responses().size()
                    + " reads for " + txn.guards().size() + " guards");
        }
        Map<String, String> found = new HashMap<>();
        for (int i = 0; i < txn.guards().size(); i++) {
            KvOpResponse read = response.responses().get(i);
            if (!(read instanceof RangeResponse range) || range.kvs().size() > 1) {
                throw new IllegalStateException("a failed txn answered " + read + " for the read of "
                        + txn.guards().get(i).key());
            }
            found.put(txn.guards().get(i).key(), range.kvs().isEmpty() ? null
                    : new String(range.kvs().getFirst().value(), StandardCharsets.UTF_8));
        }
        return new Outcome.GuardsFailed(found);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
