package io.tern.verify.api;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.tern.client.protocol.ReadMode;
import io.tern.verify.history.Call;
import io.tern.verify.history.Outcome;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Each call of the history as the etcd request a client would send for it, through jetcd's KV, and
 * the answer back as an outcome:
 *
 * <ul>
 *   <li>GET: a Range of the key, linearizable, or serializable for a LOCAL read;</li>
 *   <li>PUT: a Put; DELETE: a DeleteRange of the key, which existed if it deleted one;</li>
 *   <li>CAS: a Txn comparing the value (or, for "absent", the version with 0), then a put or a delete,
 *       else a Range of the key, which tells the current value of a mismatch;</li>
 *   <li>BATCH: a Txn without compares, its writes as the success branch;</li>
 *   <li>TXN: a Txn of the same shape as the native one ({@link TxnCalls}): the guards as compares, the
 *       writes on success, a Range of each guarded key on failure.</li>
 * </ul>
 *
 * The revision of an answer is its header's: the store's revision the request was served at.
 */
final class EtcdCalls {

    private EtcdCalls() {
    }

    /**
     * Sends {@code call}; the future completes with the outcome of its answer, or with the failure.
     *
     * @throws IllegalStateException (in the future) if the answer has not the shape the request asks for
     */
    static CompletableFuture<CallResult> send(KV kv, Call call) {
        return switch (call) {
            case Call.Get get -> kv.get(bytes(get.key()), GetOption.builder()
                            .withSerializable(get.readMode() == ReadMode.LOCAL).build())
                    .thenApply(read -> new CallResult(new Outcome.ValueRead(valueOf(read, get.key())),
                            read.getHeader().getRevision()));
            case Call.Put put -> kv.put(bytes(put.key()), bytes(put.value()))
                    .thenApply(written -> new CallResult(new Outcome.Written(), written.getHeader().getRevision()));
            case Call.Delete delete -> kv.delete(bytes(delete.key()))
                    .thenApply(deleted -> new CallResult(new Outcome.Deleted(deleted.getDeleted() > 0),
                            deleted.getHeader().getRevision()));
            case Call.Cas cas -> kv.txn()
                    .If(guard(cas.key(), cas.expected()))
                    .Then(write(cas.key(), cas.newValue()))
                    .Else(read(cas.key()))
                    .commit()
                    .thenApply(answer -> new CallResult(answer.isSucceeded() ? new Outcome.Written()
                            : new Outcome.CasMismatch(valueOf(onlyRead(answer, 1).getFirst(), cas.key())),
                            answer.getHeader().getRevision()));
            case Call.Batch batch -> kv.txn()
                    .Then(batch.writes().stream().map(w -> write(w.key(), w.value())).toArray(Op[]::new))
                    .commit()
                    .thenApply(answer -> {
                        if (!answer.isSucceeded()) {
                            throw new IllegalStateException("a txn without compares answered that it failed");
                        }
                        return new CallResult(new Outcome.Written(), answer.getHeader().getRevision());
                    });
            case Call.Txn txn -> kv.txn()
                    .If(txn.guards().stream().map(g -> guard(g.key(), g.expected())).toArray(Cmp[]::new))
                    .Then(txn.writes().stream().map(w -> write(w.key(), w.value())).toArray(Op[]::new))
                    .Else(txn.guards().stream().map(g -> read(g.key())).toArray(Op[]::new))
                    .commit()
                    .thenApply(answer -> new CallResult(answer.isSucceeded() ? new Outcome.Written()
                            : guardsFailed(txn, answer), answer.getHeader().getRevision()));
        };
    }

    /** The key holds {@code expected}; {@code null}: the key is absent (version 0, as etcd says it). */
    private static Cmp guard(String key, String expected) {
        return expected == null ? new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.version(0))
                : new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.value(bytes(expected)));
    }

    /** A put of {@code value}; {@code null}: a delete. */
    private static Op write(String key, String value) {
        return value == null ? Op.delete(bytes(key), DeleteOption.DEFAULT)
                : Op.put(bytes(key), bytes(value), PutOption.DEFAULT);
    }

    private static Op read(String key) {
        return Op.get(bytes(key), GetOption.DEFAULT);
    }

    private static Outcome.GuardsFailed guardsFailed(Call.Txn txn, TxnResponse answer) {
        List<GetResponse> reads = onlyRead(answer, txn.guards().size());
        Map<String, String> found = new HashMap<>();
        for (int i = 0; i < reads.size(); i++) {
            String key = txn.guards().get(i).key();
            found.put(key, valueOf(reads.get(i), key));
        }
        return new Outcome.GuardsFailed(found);
    }

    /** The reads of a failed txn's else branch, which must be all it answered. */
    private static List<GetResponse> onlyRead(TxnResponse answer, int reads) {
        List<GetResponse> gets = answer.getGetResponses();
        if (gets.size() != reads || !answer.getPutResponses().isEmpty() || !answer.getDeleteResponses().isEmpty()
                || !answer.getTxnResponses().isEmpty()) {
            throw new IllegalStateException("a failed txn answered " + gets.size() + " reads (and "
                    + (answer.getPutResponses().size() + answer.getDeleteResponses().size())
                    + " writes) to an else branch of " + reads + " reads");
        }
        return gets;
    }

    /** The value a Range of one key found; {@code null} when the key is absent. */
    private static String valueOf(GetResponse read, String key) {
        List<KeyValue> kvs = read.getKvs();
        if (kvs.size() > 1 || (kvs.size() == 1 && !kvs.getFirst().getKey().equals(bytes(key)))) {
            throw new IllegalStateException("a Range of " + key + " answered " + kvs.size() + " keys, first "
                    + kvs.getFirst().getKey().toString(StandardCharsets.UTF_8));
        }
        return kvs.isEmpty() ? null : kvs.getFirst().getValue().toString(StandardCharsets.UTF_8);
    }

    static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
