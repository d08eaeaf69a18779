package io.tern.kv;

import java.util.List;

/**
 * A transaction, as etcd's {@code TxnRequest}: if every compare holds, the success operations run,
 * otherwise the failure operations, all at one revision. A transaction may not put the same key twice
 * (nested transactions included), nor put and delete one key.
 */
public record TxnRequest(List<Compare> compare, List<KvOp> success, List<KvOp> failure) implements KvOp {

    public TxnRequest {
        compare = List.copyOf(compare);
        success = List.copyOf(success);
        failure = List.copyOf(failure);
    }
}
