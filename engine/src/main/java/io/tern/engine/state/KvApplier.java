package io.tern.engine.state;

import io.tern.kv.Compare;
import io.tern.kv.DeleteRangeRequest;
import io.tern.kv.DeleteRangeResponse;
import io.tern.kv.KvOp;
import io.tern.kv.KvOpResponse;
import io.tern.kv.PutRequest;
import io.tern.kv.PutResponse;
import io.tern.kv.RangeRequest;
import io.tern.kv.TxnRequest;
import io.tern.kv.TxnResponse;
import io.tern.kv.VersionedKeyValue;
import org.rocksdb.RocksDBException;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Applies one {@link KvOp} of a log entry, with etcd's semantics: a put (with its lease, prev_kv,
 * ignore_value and ignore_lease), a delete of a range, a range read, or a transaction whose compares
 * (nested ones too) are all decided against the state before it and whose operations then run in
 * order, each seeing the writes of those before it. Everything is at the entry's revision.
 *
 * <p>An operation the state does not allow ({@link Refusal}) changes nothing: a transaction is rolled
 * back whole.
 */
final class KvApplier {

    static final String LEASE_NOT_FOUND = "etcdserver: requested lease not found";
    static final String KEY_NOT_FOUND = "etcdserver: key not found";
    static final String COMPACTED = "mvcc: required revision has been compacted";
    static final String FUTURE_REVISION = "mvcc: required revision is a future revision";

    /** Why an operation was refused; carries the answer for the whole command. */
    static final class Refusal extends Exception {
        final CommandResult.Refused refused;

        Refusal(CommandResult.Refusal refusal, long revision, String message) {
            super(message, null, false, false);
            this.refused = new CommandResult.Refused(refusal, revision, message);
        }
    }

    private final VersionedReads reads;
    private final StateReader reader;
    private final RevisionWriter writer;

    KvApplier(StateReader reader, RevisionWriter writer) {
        this.reader = reader;
        this.reads = new VersionedReads(reader);
        this.writer = writer;
    }

    /**
     * Whether applying {@code op} reads nothing but single keys' current records (no range, no past
     * revision, no lease): see {@link CommandApplier#readsOnlyCurrentRecords}.
     */
    static boolean readsOnlyCurrentRecords(KvOp op) {
        return switch (op) {
            case RangeRequest range -> range.range().isSingleKey() && range.revision() == 0;
            case PutRequest put -> put.lease() == 0 || put.ignoreLease();
            case DeleteRangeRequest delete -> delete.range().isSingleKey();
            case TxnRequest txn -> txn.compare().stream().allMatch(compare -> compare.range().isSingleKey())
                    && txn.success().stream().allMatch(KvApplier::readsOnlyCurrentRecords)
                    && txn.failure().stream().allMatch(KvApplier::readsOnlyCurrentRecords);
        };
    }

    CommandResult apply(KvOp op) throws RocksDBException {
        try {
            if (op instanceof TxnRequest txn) {
                writer.setSavePoint();
                try {
                    KvOpResponse response = txn(txn, branches(txn).iterator());
                    writer.popSavePoint();
                    return new CommandResult.Kv(response);
                } catch (Refusal | RuntimeException | RocksDBException e) {
                    writer.rollbackToSavePoint();
                    throw e;
                }
            }
            return new CommandResult.Kv(execute(op, null));
        } catch (Refusal refusal) {
            return refusal.refused;
        }
    }

    /**
     * Which branch every transaction of {@code txn} takes (itself, then the nested ones of its chosen
     * branch, depth first), decided before any of them writes, as etcd does.
     */
    private List<Boolean> branches(TxnRequest txn) throws RocksDBException {
        List<Boolean> path = new ArrayList<>();
        choose(txn, path);
        return path;
    }

    private void choose(TxnRequest txn, List<Boolean> path) throws RocksDBException {
        boolean succeeded = true;
        for (Compare compare : txn.compare()) {
            if (!holds(compare)) {
                succeeded = false;
                break;
            }
        }
        path.add(succeeded);
        for (KvOp op : succeeded ? txn.success() : txn.failure()) {
            if (op instanceof TxnRequest nested) {
                choose(nested, path);
            }
        }
    }

    /** Every key of the compare's range satisfies it; an empty range compares as one missing key. */
    private boolean holds(Compare compare) throws RocksDBException {
        boolean[] all = {true};
        boolean[] any = {false};
        reads.forEachCurrent(compare.range(), cursor -> {
            any[0] = true;
            all[0] = compare.holdsFor(cursor.kv());
            return all[0];
        });
        return any[0] ? all[0] : compare.holdsFor(null);
    }

    private KvOpResponse execute(KvOp op, Iterator<Boolean> path) throws RocksDBException, Refusal {
        return switch (op) {
            case RangeRequest range -> range(range);
            case PutRequest put -> put(put);
            case DeleteRangeRequest delete -> deleteRange(delete);
            case TxnRequest txn -> txn(txn, path);
        };
    }

    private TxnResponse txn(TxnRequest txn, Iterator<Boolean> path) throws RocksDBException, Refusal {
        if (path == null) {
            throw new IllegalStateException("a transaction's branches are chosen before it runs");
        }
        boolean succeeded = path.next();
        List<KvOpResponse> responses = new ArrayList<>();
        for (KvOp op : succeeded ? txn.success() : txn.failure()) {
            responses.add(execute(op, path));
        }
        return new TxnResponse(succeeded, responses);
    }

    /**
     * A range inside the entry: the current revision is the entry's own once it has changed a key
     * (so the range sees those changes), the one before it otherwise.
     */
    private KvOpResponse range(RangeRequest range) throws RocksDBException, Refusal {
        long current = writer.changedAny() ? writer.revision() : writer.revision() - 1;
        long revision = range.revision();
        if (revision > current) {
            throw new Refusal(CommandResult.Refusal.FUTURE_REVISION, current, FUTURE_REVISION);
        }
        if (revision != 0) {
            long compacted = reads.compactionRevision();
            if (revision < compacted) {
                throw new Refusal(CommandResult.Refusal.COMPACTED, compacted, COMPACTED);
            }
        }
        return RangeQuery.evaluate(reads, range, revision == current ? 0 : revision, Long.MAX_VALUE);
    }

    private PutResponse put(PutRequest put) throws RocksDBException, Refusal {
        VersionedKeyValue previous = reads.current(put.key());
        if ((put.ignoreValue() || put.ignoreLease()) && previous == null) {
            throw new Refusal(CommandResult.Refusal.KEY_NOT_FOUND, 0, KEY_NOT_FOUND);
        }
        long lease = put.ignoreLease() ? previous.lease() : put.lease();
        if (!put.ignoreLease() && lease != 0 && reader.get(StateLayout.leaseKey(lease)) == null) {
            throw new Refusal(CommandResult.Refusal.LEASE_NOT_FOUND, 0, LEASE_NOT_FOUND);
        }
        writer.put(put.key(), put.ignoreValue() ? previous.value() : put.value(), lease, previous);
        return new PutResponse(put.prevKv() ? previous : null);
    }

    private DeleteRangeResponse deleteRange(DeleteRangeRequest delete) throws RocksDBException {
        List<VersionedKeyValue> doomed = new ArrayList<>();
        reads.forEachCurrent(delete.range(), cursor -> doomed.add(cursor.kv()));
        for (VersionedKeyValue kv : doomed) {
            writer.delete(kv);
        }
        return new DeleteRangeResponse(doomed.size(), delete.prevKv() ? doomed : List.of());
    }
}
