package io.tern.engine.state;

import io.tern.kv.RangeRequest;
import io.tern.kv.RangeResponse;
import io.tern.kv.SortOrder;
import io.tern.kv.SortTarget;
import io.tern.kv.VersionedKeyValue;
import org.rocksdb.RocksDBException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Answers a {@link RangeRequest} from {@link VersionedReads}, with etcd's rules: {@code count} is every
 * key of the range at the revision (before the limit and the revision filters); sorting or filtering
 * reads every key, then filters, sorts (ties keep key order) and cuts at the limit; {@code more} says
 * the limit, or the byte cap, left keys out. The byte cap always lets one key through. Revisions are
 * checked by the caller.
 */
final class RangeQuery {

    private RangeQuery() {
    }

    /**
     * @param revision the revision to read at, or 0 for the current keys
     * @param maxBytes the most bytes of keys and values in the answer (at least one key is given)
     */
    static RangeResponse evaluate(VersionedReads reads, RangeRequest request, long revision, long maxBytes)
            throws RocksDBException {
        SortOrder order = effectiveOrder(request);
        boolean filtered = request.minModRevision() != 0 || request.maxModRevision() != 0
                || request.minCreateRevision() != 0 || request.maxCreateRevision() != 0;
        boolean readAll = !request.countOnly() && (filtered || order != SortOrder.NONE);
        Answer answer = new Answer(request.limit(), maxBytes, request.keysOnly());
        long[] count = {0};
        List<VersionedKeyValue> everything = new ArrayList<>();
        VersionedReads.KeyVisitor visitor = cursor -> {
            count[0]++;
            if (request.countOnly()) {
                return true;
            }
            if (readAll) {
                everything.add(cursor.kv());
            } else if (!answer.full()) {
                answer.offer(cursor.kv());
            } else {
                answer.more = true;
            }
            return true;
        };
        if (revision == 0) {
            reads.forEachCurrent(request.range(), visitor);
        } else {
            reads.forEachAt(request.range(), revision, visitor);
        }
        if (readAll) {
            List<VersionedKeyValue> kept = filtered
                    ? everything.stream().filter(kv -> passes(request, kv)).toList() : everything;
            if (order != SortOrder.NONE) {
                kept = new ArrayList<>(kept);
                Comparator<VersionedKeyValue> comparator = comparator(request.sortTarget());
                kept.sort(order == SortOrder.DESCEND ? comparator.reversed() : comparator);
            }
            for (VersionedKeyValue kv : kept) {
                if (answer.full()) {
                    answer.more = true;
                    break;
                }
                answer.offer(kv);
            }
        }
        return new RangeResponse(answer.kvs, answer.more, count[0]);
    }

    /** etcd's: no order with a target other than the key means ascending; ascending by key is key order. */
    private static SortOrder effectiveOrder(RangeRequest request) {
        if (request.sortOrder() == SortOrder.NONE && request.sortTarget() != SortTarget.KEY) {
            return SortOrder.ASCEND;
        }
        if (request.sortOrder() == SortOrder.ASCEND && request.sortTarget() == SortTarget.KEY) {
            return SortOrder.NONE;
        }
        return request.sortOrder();
    }

    private static boolean passes(RangeRequest request, VersionedKeyValue kv) {
        return (request.minModRevision() == 0 || kv.modRevision() >= request.minModRevision())
                && (request.maxModRevision() == 0 || kv.modRevision() <= request.maxModRevision())
                && (request.minCreateRevision() == 0 || kv.createRevision() >= request.minCreateRevision())
                && (request.maxCreateRevision() == 0 || kv.createRevision() <= request.maxCreateRevision());
    }

    private static Comparator<VersionedKeyValue> comparator(SortTarget target) {
        return switch (target) {
            case KEY -> (a, b) -> Arrays.compareUnsigned(a.key(), b.key());
            case VERSION -> Comparator.comparingLong(VersionedKeyValue::version);
            case CREATE -> Comparator.comparingLong(VersionedKeyValue::createRevision);
            case MOD -> Comparator.comparingLong(VersionedKeyValue::modRevision);
            case VALUE -> (a, b) -> Arrays.compareUnsigned(a.value(), b.value());
        };
    }

    /** The keys taken so far, against the limit and the byte cap. */
    private static final class Answer {
        final List<VersionedKeyValue> kvs = new ArrayList<>();
        final long limit;
        final long maxBytes;
        final boolean keysOnly;
        long bytes;
        boolean capped;
        boolean more;

        Answer(long limit, long maxBytes, boolean keysOnly) {
            this.limit = limit;
            this.maxBytes = maxBytes;
            this.keysOnly = keysOnly;
        }

        boolean full() {
            return capped || (limit > 0 && kvs.size() >= limit);
        }

        void offer(VersionedKeyValue kv) {
            VersionedKeyValue taken = keysOnly ? kv.withoutValue() : kv;
            long size = (long) taken.key().length + taken.value().length;
            if (!kvs.isEmpty() && bytes + size > maxBytes) {
                capped = true;
                more = true;
                return;
            }
            bytes += size;
            kvs.add(taken);
        }
    }
}
