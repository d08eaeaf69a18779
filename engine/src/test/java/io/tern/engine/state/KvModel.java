package io.tern.engine.state;

import io.tern.kv.Bytes;
import io.tern.kv.Compare;
import io.tern.kv.DeleteRangeRequest;
import io.tern.kv.DeleteRangeResponse;
import io.tern.kv.KvOp;
import io.tern.kv.KvOpResponse;
import io.tern.kv.PutRequest;
import io.tern.kv.PutResponse;
import io.tern.kv.RangeRequest;
import io.tern.kv.RangeResponse;
import io.tern.kv.SortOrder;
import io.tern.kv.SortTarget;
import io.tern.kv.TxnRequest;
import io.tern.kv.TxnResponse;
import io.tern.kv.VersionedKeyValue;
import io.tern.kv.WatchEvent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The key model as simply as it can be said, for the property tests to hold the store against: every
 * revision's whole state kept in memory (a map of revision to a copy of the keys), every change in a
 * list, leases in a map. Nothing is ever really dropped; compaction only moves the line below which
 * reads are refused.
 */
final class KvModel {

    static final Comparator<byte[]> KEY_ORDER = Arrays::compareUnsigned;

    /** The keys after each applied index (every index, NOOPs too). */
    private final TreeMap<Long, NavigableMap<byte[], VersionedKeyValue>> states = new TreeMap<>();
    private NavigableMap<byte[], VersionedKeyValue> current = new TreeMap<>(KEY_ORDER);
    private TreeMap<Long, Long> leases = new TreeMap<>();
    private final List<WatchEvent> history = new ArrayList<>();
    private long compacted;
    private long applied;

    /** What the store must answer when a read is refused. */
    record Refusal(String kind, long revision) {
    }

    long applied() {
        return applied;
    }

    long compacted() {
        return compacted;
    }

    List<WatchEvent> history() {
        return history;
    }

    NavigableMap<byte[], VersionedKeyValue> current() {
        return current;
    }

    TreeMap<Long, Long> leases() {
        return leases;
    }

    List<byte[]> leaseKeys(long id) {
        return current.values().stream().filter(kv -> kv.lease() == id).map(VersionedKeyValue::key).toList();
    }

    /** An entry that carries no command. */
    void skip(long index) {
        applied = index;
        states.put(index, current);
    }

    CommandResult apply(long index, Command command) {
        Entry entry = new Entry(index);
        CommandResult result;
        try {
            result = entry.run(command);
        } catch (Refused refused) {
            result = refused.result;
            entry = null;
        }
        if (entry != null) {
            current = entry.state;
            leases = entry.leases;
            history.addAll(entry.events);
            compacted = entry.compacted;
        }
        skip(index);
        return result;
    }

    /** A range read from outside, as {@link RocksStateStore#range} answers it. */
    Object range(RangeRequest request, long maxBytes) {
        if (request.revision() > applied) {
            return new Refusal("future", applied);
        }
        if (request.revision() != 0 && request.revision() < compacted) {
            return new Refusal("compacted", compacted);
        }
        return evaluate(stateAt(request.revision() == 0 ? applied : request.revision()), request, maxBytes);
    }

    /** The changes from {@code from} on, or a refusal. */
    Object historyFrom(long from) {
        if (from < compacted) {
            return new Refusal("compacted", compacted);
        }
        return history.stream().filter(event -> event.revision() >= from).toList();
    }

    private NavigableMap<byte[], VersionedKeyValue> stateAt(long revision) {
        Map.Entry<Long, NavigableMap<byte[], VersionedKeyValue>> at = states.floorEntry(revision);
        return at == null ? new TreeMap<>(KEY_ORDER) : at.getValue();
    }

    static RangeResponse evaluate(NavigableMap<byte[], VersionedKeyValue> state, RangeRequest request, long maxBytes) {
        List<VersionedKeyValue> inRange = state.values().stream()
                .filter(kv -> request.range().contains(kv.key())).toList();
        if (request.countOnly()) {
            return new RangeResponse(List.of(), false, inRange.size());
        }
        List<VersionedKeyValue> kept = new ArrayList<>(inRange.stream().filter(kv ->
                (request.minModRevision() == 0 || kv.modRevision() >= request.minModRevision())
                        && (request.maxModRevision() == 0 || kv.modRevision() <= request.maxModRevision())
                        && (request.minCreateRevision() == 0 || kv.createRevision() >= request.minCreateRevision())
                        && (request.maxCreateRevision() == 0 || kv.createRevision() <= request.maxCreateRevision()))
                .toList());
        Comparator<VersionedKeyValue> byTarget = switch (request.sortTarget()) {
            case KEY -> (a, b) -> Arrays.compareUnsigned(a.key(), b.key());
            case VERSION -> Comparator.comparingLong(VersionedKeyValue::version);
            case CREATE -> Comparator.comparingLong(VersionedKeyValue::createRevision);
            case MOD -> Comparator.comparingLong(VersionedKeyValue::modRevision);
            case VALUE -> (a, b) -> Arrays.compareUnsigned(a.value(), b.value());
        };
        if (request.sortOrder() == SortOrder.DESCEND) {
            kept.sort(byTarget.reversed());
        } else if (request.sortOrder() == SortOrder.ASCEND || request.sortTarget() != SortTarget.KEY) {
            kept.sort(byTarget);
        }
        List<VersionedKeyValue> taken = new ArrayList<>();
        long bytes = 0;
        boolean more = false;
        for (VersionedKeyValue kv : kept) {
            VersionedKeyValue answer = request.keysOnly() ? kv.withoutValue() : kv;
            long size = answer.key().length + answer.value().length;
            if ((request.limit() > 0 && taken.size() == request.limit()) || (!taken.isEmpty() && bytes + size > maxBytes)) {
                more = true;
                break;
            }
            bytes += size;
            taken.add(answer);
        }
        return new RangeResponse(taken, more, inRange.size());
    }

    private static final class Refused extends RuntimeException {
        final CommandResult.Refused result;

        Refused(CommandResult.Refusal refusal, long revision, String message) {
            super(message, null, false, false);
            this.result = new CommandResult.Refused(refusal, revision, message);
        }
    }

    /** One entry being applied to copies of the state, thrown away if it is refused. */
    private final class Entry {
        final long index;
        final NavigableMap<byte[], VersionedKeyValue> state = new TreeMap<>(current);
        final TreeMap<Long, Long> leases = new TreeMap<>(KvModel.this.leases);
        final List<WatchEvent> events = new ArrayList<>();
        long compacted = KvModel.this.compacted;
        /** The state before a transaction, which all of its compares are decided on. */
        NavigableMap<byte[], VersionedKeyValue> beforeTxn;

        Entry(long index) {
            this.index = index;
        }

        CommandResult run(Command command) {
            return switch (command) {
                case Command.Put put -> {
                    put(put.key(), put.value(), 0);
                    yield new CommandResult.Written();
                }
                case Command.Delete delete -> new CommandResult.Deleted(delete(delete.key()));
                case Command.CompareAndSet cas -> {
                    VersionedKeyValue previous = state.get(cas.key());
                    byte[] value = previous == null ? null : previous.value();
                    if (!Arrays.equals(value, cas.expected())) {
                        yield new CommandResult.CasMismatch(value);
                    }
                    if (cas.newValue() != null) {
                        put(cas.key(), cas.newValue(), 0);
                    } else {
                        delete(cas.key());
                    }
                    yield new CommandResult.Written();
                }
                case Command.Batch batch -> {
                    for (Command.BatchOp op : batch.ops()) {
                        if (op instanceof Command.Put put) {
                            put(put.key(), put.value(), 0);
                        } else {
                            delete(op.key());
                        }
                    }
                    yield new CommandResult.Written();
                }
                case Command.SetAlarm alarm -> throw new IllegalArgumentException("the model has no alarms");
                case Command.Kv kv -> {
                    if (kv.op() instanceof TxnRequest) {
                        beforeTxn = new TreeMap<>(state);
                    }
                    yield new CommandResult.Kv(execute(kv.op()));
                }
                case Command.Compact compact -> {
                    if (compact.revision() <= compacted) {
                        throw new Refused(CommandResult.Refusal.COMPACTED, compacted, KvApplier.COMPACTED);
                    }
                    if (compact.revision() > index - 1) {
                        throw new Refused(CommandResult.Refusal.FUTURE_REVISION, index - 1, KvApplier.FUTURE_REVISION);
                    }
                    compacted = compact.revision();
                    yield new CommandResult.Written();
                }
                case Command.LeaseGrant grant -> {
                    if (grant.id() <= 0 || leases.containsKey(grant.id())) {
                        throw new Refused(CommandResult.Refusal.LEASE_EXISTS, 0, CommandApplier.LEASE_EXISTS);
                    }
                    leases.put(grant.id(), grant.ttlSeconds());
                    yield new CommandResult.LeaseGranted(grant.id(), grant.ttlSeconds());
                }
                case Command.LeaseRevoke revoke -> {
                    if (leases.remove(revoke.id()) == null) {
                        throw new Refused(CommandResult.Refusal.LEASE_NOT_FOUND, 0, KvApplier.LEASE_NOT_FOUND);
                    }
                    for (VersionedKeyValue kv : List.copyOf(state.values())) {
                        if (kv.lease() == revoke.id()) {
                            delete(kv.key());
                        }
                    }
                    yield new CommandResult.Written();
                }
                // The model knows keys only; auth is tested on its own (AuthApplyTest).
                case Command.Auth auth -> throw new UnsupportedOperationException("the model has no auth");
                case Command.AsUser asUser -> run(asUser.command());
            };
        }

        KvOpResponse execute(KvOp op) {
            return switch (op) {
                case RangeRequest range -> {
                    long currentRevision = events.isEmpty() ? index - 1 : index;
                    if (range.revision() > currentRevision) {
                        throw new Refused(CommandResult.Refusal.FUTURE_REVISION, currentRevision,
                                KvApplier.FUTURE_REVISION);
                    }
                    if (range.revision() != 0 && range.revision() < compacted) {
                        throw new Refused(CommandResult.Refusal.COMPACTED, compacted, KvApplier.COMPACTED);
                    }
                    boolean now = range.revision() == 0 || range.revision() == currentRevision;
                    yield evaluate(now ? state : stateAt(range.revision()), range, Long.MAX_VALUE);
                }
                case PutRequest put -> {
                    VersionedKeyValue previous = state.get(put.key());
                    if ((put.ignoreValue() || put.ignoreLease()) && previous == null) {
                        throw new Refused(CommandResult.Refusal.KEY_NOT_FOUND, 0, KvApplier.KEY_NOT_FOUND);
                    }
                    long lease = put.ignoreLease() ? previous.lease() : put.lease();
                    if (!put.ignoreLease() && lease != 0 && !leases.containsKey(lease)) {
                        throw new Refused(CommandResult.Refusal.LEASE_NOT_FOUND, 0, KvApplier.LEASE_NOT_FOUND);
                    }
                    put(put.key(), put.ignoreValue() ? previous.value() : put.value(), lease);
                    yield new PutResponse(put.prevKv() ? previous : null);
                }
                case DeleteRangeRequest delete -> {
                    List<VersionedKeyValue> doomed = state.values().stream()
                            .filter(kv -> delete.range().contains(kv.key())).toList();
                    doomed.forEach(kv -> delete(kv.key()));
                    yield new DeleteRangeResponse(doomed.size(), delete.prevKv() ? doomed : List.of());
                }
                case TxnRequest txn -> {
                    boolean succeeded = txn.compare().stream().allMatch(this::holdsBeforeTxn);
                    List<KvOpResponse> responses = new ArrayList<>();
                    for (KvOp nested : succeeded ? txn.success() : txn.failure()) {
                        responses.add(execute(nested));
                    }
                    yield new TxnResponse(succeeded, responses);
                }
            };
        }

        boolean holdsBeforeTxn(Compare compare) {
            List<VersionedKeyValue> keys = beforeTxn.values().stream()
                    .filter(kv -> compare.range().contains(kv.key())).toList();
            return keys.isEmpty() ? compare.holdsFor(null) : keys.stream().allMatch(compare::holdsFor);
        }

        void put(byte[] key, byte[] value, long lease) {
            VersionedKeyValue previous = state.get(key);
            VersionedKeyValue written = new VersionedKeyValue(key, value,
                    previous == null ? index : previous.createRevision(), index,
                    previous == null ? 1 : previous.version() + 1, lease);
            state.put(key, written);
            events.add(new WatchEvent(WatchEvent.Type.PUT, written, previous));
        }

        boolean delete(byte[] key) {
            VersionedKeyValue previous = state.remove(key);
            if (previous != null) {
                events.add(new WatchEvent(WatchEvent.Type.DELETE,
                        new VersionedKeyValue(key, Bytes.EMPTY, 0, index, 0, 0), previous));
            }
            return previous != null;
        }
    }
}
