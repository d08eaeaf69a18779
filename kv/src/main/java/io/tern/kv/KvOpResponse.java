package io.tern.kv;

/** The answer to a {@link KvOp}, one kind per kind of operation (etcd's {@code ResponseOp}). */
public sealed interface KvOpResponse permits RangeResponse, PutResponse, DeleteRangeResponse, TxnResponse {
}
