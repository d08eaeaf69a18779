package io.tern.client;

import io.tern.client.protocol.KvRequest;
import io.tern.client.protocol.KvResponse;
import io.tern.client.protocol.Opcode;
import io.tern.client.protocol.Response;
import io.tern.kv.DeleteRangeRequest;
import io.tern.kv.DeleteRangeResponse;
import io.tern.kv.KeyRange;
import io.tern.kv.KvOp;
import io.tern.kv.KvOpResponse;
import io.tern.kv.PutRequest;
import io.tern.kv.PutResponse;
import io.tern.kv.RangeRequest;
import io.tern.kv.RangeResponse;
import io.tern.kv.TxnRequest;
import io.tern.kv.TxnResponse;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * etcd's key operations on a Tern cluster: ranges (at past revisions too), puts with leases,
 * deletes of ranges, transactions and compaction, with etcd's semantics. Get it from
 * {@link TernClient#kv()}.
 *
 * <pre>{@code
 * KvClient kv = client.kv();
 * kv.put(key, value);
 * KvResult<RangeResponse> read = kv.getPrefix(prefix);
 * KvResult<TxnResponse> swapped = kv.txn()
 *         .when(Compare.modRevision(key, Compare.Result.EQUAL, read.revision()))
 *         .then(PutRequest.of(key, newValue))
 *         .orElse(RangeRequest.of(KeyRange.single(key)))
 *         .commit();
 * }</pre>
 *
 * <p>Calls behave as {@link TernClient}'s (see there): each comes async and blocking, fails only with
 * a {@link TernException}, and is retried where that is safe: ranges are reads; puts, deletes,
 * transactions and compactions are writes, never sent again once they may have reached a node. A
 * request that breaks one of etcd's rules (an empty key, a value with {@code ignoreValue}, a
 * transaction that puts a key twice or holds too many operations) is refused by the client itself
 * with etcd's message ({@link RequestRefusedException}, BAD_REQUEST). A read below the compaction
 * revision fails with {@link CompactedException}, above the current one with
 * {@link FutureRevisionException}; a put with an unknown lease with {@link LeaseNotFoundException}.
 */
public final class KvClient {

    // u8 readMode + u64 minRevision ahead of a RANGE's op.
    private static final long READ_OPTIONS = 1 + 8;

    private final TernClient client;
    private final Results results;
    private final Function<Response, KvResult<RangeResponse>> rangeResult;
    private final Function<Response, KvResult<PutResponse>> putResult;
    private final Function<Response, KvResult<DeleteRangeResponse>> deleteResult;
    private final Function<Response, KvResult<TxnResponse>> txnResult;
    private final Function<Response, Long> compactResult;

    KvClient(TernClient client, Results results) {
        this.client = client;
        this.results = results;
        this.rangeResult = answer(RangeResponse.class);
        this.putResult = answer(PutResponse.class);
        this.deleteResult = answer(DeleteRangeResponse.class);
        this.txnResult = answer(TxnResponse.class);
        this.compactResult = response -> {
            if (response instanceof KvResponse.CompactOk ok) {
                return results.seen(ok.revision());
            }
            throw Results.unexpected(response);
        };
    }

    // ---- asynchronous ---------------------------------------------------------------------

    /** Reads {@code request}'s range, linearizably. */
    public CompletableFuture<KvResult<RangeResponse>> rangeAsync(RangeRequest request) {
        return rangeAsync(request, ReadOptions.linearizable());
    }

    /** Reads {@code request}'s range as {@code read} says (LINEARIZABLE, or LOCAL on any node). */
    public CompletableFuture<KvResult<RangeResponse>> rangeAsync(RangeRequest request, ReadOptions read) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(read, "read");
        RequestRefusedException refused = RequestChecks.kv(request, READ_OPTIONS);
        if (refused != null) {
            return CompletableFuture.failedFuture(refused);
        }
        return client.submit(Opcode.RANGE,
                id -> new KvRequest.Range(id, read.mode(), client.minRevision(read), request), rangeResult);
    }

    /** Reads {@code key} with its metadata, linearizably: no kvs when it does not exist. */
    public CompletableFuture<KvResult<RangeResponse>> getAsync(byte[] key) {
        return rangeAsync(RangeRequest.of(KeyRange.single(key)));
    }

    /** Reads every key that starts with {@code prefix}, in key order, linearizably. */
    public CompletableFuture<KvResult<RangeResponse>> getPrefixAsync(byte[] prefix) {
        return rangeAsync(RangeRequest.of(KeyRange.prefix(prefix)));
    }

    /** Puts a key with etcd's options ({@link PutRequest}). */
    public CompletableFuture<KvResult<PutResponse>> putAsync(PutRequest request) {
        return write(request, putResult);
    }

    /** Sets {@code key} to {@code value}, without a lease. */
    public CompletableFuture<KvResult<PutResponse>> putAsync(byte[] key, byte[] value) {
        return putAsync(PutRequest.of(key, value));
    }

    /** Sets {@code key} to {@code value}, attached to {@code lease} (0 for none). */
    public CompletableFuture<KvResult<PutResponse>> putAsync(byte[] key, byte[] value, long lease) {
        return putAsync(new PutRequest(key, value, lease, false, false, false));
    }

    /** Deletes the keys of {@code request}'s range; the answer says how many. */
    public CompletableFuture<KvResult<DeleteRangeResponse>> deleteRangeAsync(DeleteRangeRequest request) {
        return write(request, deleteResult);
    }

    /** Deletes {@code key}; deleting a key that does not exist deletes nothing and is not an error. */
    public CompletableFuture<KvResult<DeleteRangeResponse>> deleteAsync(byte[] key) {
        return deleteRangeAsync(new DeleteRangeRequest(KeyRange.single(key), false));
    }

    /** Runs {@code request} atomically at one revision. */
    public CompletableFuture<KvResult<TxnResponse>> txnAsync(TxnRequest request) {
        return write(request, txnResult);
    }

    /** A transaction to build: {@code txn().when(...).then(...).orElse(...).commit()}. */
    public Txn txn() {
        return new Txn(this);
    }

    /**
     * Drops the history below {@code revision} on every member. Refused with
     * {@link CompactedException} at or below the compaction revision, {@link FutureRevisionException}
     * above the current revision.
     *
     * @return the revision of the compaction's log entry
     */
    public CompletableFuture<Long> compactAsync(long revision) {
        if (revision < 0) {
            throw new IllegalArgumentException("revision must not be negative: " + revision);
        }
        return client.submit(Opcode.COMPACT, id -> new KvRequest.Compact(id, revision), compactResult);
    }

    // ---- blocking -------------------------------------------------------------------------

    /** Blocking {@link #rangeAsync(RangeRequest)}. */
    public KvResult<RangeResponse> range(RangeRequest request) {
        return client.await(rangeAsync(request));
    }

    /** Blocking {@link #rangeAsync(RangeRequest, ReadOptions)}. */
    public KvResult<RangeResponse> range(RangeRequest request, ReadOptions read) {
        return client.await(rangeAsync(request, read));
    }

    /** Blocking {@link #getAsync(byte[])}. */
    public KvResult<RangeResponse> get(byte[] key) {
        return client.await(getAsync(key));
    }

    /** Blocking {@link #getPrefixAsync(byte[])}. */
    public KvResult<RangeResponse> getPrefix(byte[] prefix) {
        return client.await(getPrefixAsync(prefix));
    }

    /** Blocking {@link #putAsync(PutRequest)}. */
    public KvResult<PutResponse> put(PutRequest request) {
        return client.await(putAsync(request));
    }

    /** Blocking {@link #putAsync(byte[], byte[])}. */
    public KvResult<PutResponse> put(byte[] key, byte[] value) {
        return client.await(putAsync(key, value));
    }

    /** Blocking {@link #putAsync(byte[], byte[], long)}. */
    public KvResult<PutResponse> put(byte[] key, byte[] value, long lease) {
        return client.await(putAsync(key, value, lease));
    }

    /** Blocking {@link #deleteRangeAsync(DeleteRangeRequest)}. */
    public KvResult<DeleteRangeResponse> deleteRange(DeleteRangeRequest request) {
        return client.await(deleteRangeAsync(request));
    }

    /** Blocking {@link #deleteAsync(byte[])}. */
    public KvResult<DeleteRangeResponse> delete(byte[] key) {
        return client.await(deleteAsync(key));
    }

    /** Blocking {@link #txnAsync(TxnRequest)}. */
    public KvResult<TxnResponse> txn(TxnRequest request) {
        return client.await(txnAsync(request));
    }

    /** Blocking {@link #compactAsync(long)}. */
    public long compact(long revision) {
        return client.await(compactAsync(revision));
    }

    // ---- internals ------------------------------------------------------------------------

    private <R extends KvOpResponse> CompletableFuture<KvResult<R>> write(KvOp op,
            Function<Response, KvResult<R>> mapping) {
        Objects.requireNonNull(op, "op");
        RequestRefusedException refused = RequestChecks.kv(op, 0);
        if (refused != null) {
            return CompletableFuture.failedFuture(refused);
        }
        return client.submit(KvRequest.Write.opcodeOf(op), id -> new KvRequest.Write(id, op), mapping);
    }

    private <R extends KvOpResponse> Function<Response, KvResult<R>> answer(Class<R> kind) {
        return response -> {
            if (response instanceof KvResponse.OpOk ok && kind.isInstance(ok.response())) {
                return new KvResult<>(results.seen(ok.revision()), kind.cast(ok.response()));
            }
            throw Results.unexpected(response);
        };
    }
}
