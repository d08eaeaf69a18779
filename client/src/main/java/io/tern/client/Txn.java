package io.tern.client;

import io.tern.kv.Compare;
import io.tern.kv.KvOp;
import io.tern.kv.TxnRequest;
import io.tern.kv.TxnResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A transaction being built, in jetcd's shape: {@code when} the compares, {@code then} the operations
 * that run if all of them hold, {@code orElse} those that run otherwise; each may be called several
 * times, in that order. Not thread-safe; build one per transaction. Get one from {@link KvClient#txn()}.
 */
public final class Txn {

    private enum Stage { WHEN, THEN, ELSE }

    private final KvClient kv;
    private final List<Compare> compares = new ArrayList<>();
    private final List<KvOp> success = new ArrayList<>();
    private final List<KvOp> failure = new ArrayList<>();
    private Stage stage = Stage.WHEN;

    Txn(KvClient kv) {
        this.kv = kv;
    }

    /**
     * Adds compares that must all hold for {@link #then} to run.
     *
     * @throws IllegalStateException after {@code then} or {@code orElse}
     */
    public Txn when(Compare... compare) {
        advance(Stage.WHEN, "when");
        for (Compare c : compare) {
            compares.add(Objects.requireNonNull(c, "compare"));
        }
        return this;
    }

    /**
     * Adds operations to run when every compare holds.
     *
     * @throws IllegalStateException after {@code orElse}
     */
    public Txn then(KvOp... ops) {
        advance(Stage.THEN, "then");
        for (KvOp op : ops) {
            success.add(Objects.requireNonNull(op, "op"));
        }
        return this;
    }

    /** Adds operations to run when a compare does not hold. */
    public Txn orElse(KvOp... ops) {
        advance(Stage.ELSE, "orElse");
        for (KvOp op : ops) {
            failure.add(Objects.requireNonNull(op, "op"));
        }
        return this;
    }

    /** The transaction as built so far. */
    public TxnRequest request() {
        return new TxnRequest(compares, success, failure);
    }

    /** Sends the transaction. */
    public CompletableFuture<KvResult<TxnResponse>> commitAsync() {
        return kv.txnAsync(request());
    }

    /** Sends the transaction and waits for its answer (see {@link KvClient#txn(io.tern.kv.TxnRequest)}). */
    public KvResult<TxnResponse> commit() {
        return kv.txn(request());
    }

    private void advance(Stage to, String call) {
        if (to.ordinal() < stage.ordinal()) {
            throw new IllegalStateException(call + "() cannot follow " + (stage == Stage.THEN ? "then()" : "orElse()"));
        }
        stage = to;
    }
}
