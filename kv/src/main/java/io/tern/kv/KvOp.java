package io.tern.kv;

/**
 * One operation on the keys, as etcd's {@code RequestOp}: a range read, a put, a delete of a range or
 * a transaction of these. Every write is applied through the replicated log; the answer is a
 * {@link KvOpResponse} of the matching kind.
 */
public sealed interface KvOp permits RangeRequest, PutRequest, DeleteRangeRequest, TxnRequest {
}
