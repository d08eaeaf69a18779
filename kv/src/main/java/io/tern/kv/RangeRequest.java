package io.tern.kv;

import java.util.Objects;

/**
 * Reads the keys of a range, as etcd's {@code RangeRequest}.
 *
 * @param limit the most keys to return, 0 for no limit (the server still caps one answer's size and
 *     says {@code more})
 * @param revision the revision to read at, 0 for the current one
 * @param keysOnly return keys and metadata without values
 * @param countOnly return only the count
 * @param minModRevision keep only keys modified at or after this revision (0: no bound); likewise the
 *     other three bounds
 */
public record RangeRequest(KeyRange range, long limit, long revision, SortOrder sortOrder, SortTarget sortTarget,
                           boolean keysOnly, boolean countOnly, long minModRevision, long maxModRevision,
                           long minCreateRevision, long maxCreateRevision) implements KvOp {

    public RangeRequest {
        Objects.requireNonNull(range, "range");
        Objects.requireNonNull(sortOrder, "sortOrder");
        Objects.requireNonNull(sortTarget, "sortTarget");
    }

    /** All of {@code range} at the current revision, in key order. */
    public static RangeRequest of(KeyRange range) {
        return new RangeRequest(range, 0, 0, SortOrder.NONE, SortTarget.KEY, false, false, 0, 0, 0, 0);
    }

    public RangeRequest withLimit(long newLimit) {
        return new RangeRequest(range, newLimit, revision, sortOrder, sortTarget, keysOnly, countOnly,
                minModRevision, maxModRevision, minCreateRevision, maxCreateRevision);
    }

    public RangeRequest atRevision(long newRevision) {
        return new RangeRequest(range, limit, newRevision, sortOrder, sortTarget, keysOnly, countOnly,
                minModRevision, maxModRevision, minCreateRevision, maxCreateRevision);
    }

    public RangeRequest sortedBy(SortTarget target, SortOrder order) {
        return new RangeRequest(range, limit, revision, order, target, keysOnly, countOnly,
                minModRevision, maxModRevision, minCreateRevision, maxCreateRevision);
    }

    public RangeRequest keysOnly(boolean only) {
        return new RangeRequest(range, limit, revision, sortOrder, sortTarget, only, countOnly,
                minModRevision, maxModRevision, minCreateRevision, maxCreateRevision);
    }

    public RangeRequest countOnly(boolean only) {
        return new RangeRequest(range, limit, revision, sortOrder, sortTarget, keysOnly, only,
                minModRevision, maxModRevision, minCreateRevision, maxCreateRevision);
    }

    public RangeRequest modRevisions(long min, long max) {
        return new RangeRequest(range, limit, revision, sortOrder, sortTarget, keysOnly, countOnly,
                min, max, minCreateRevision, maxCreateRevision);
    }

    public RangeRequest createRevisions(long min, long max) {
        return new RangeRequest(range, limit, revision, sortOrder, sortTarget, keysOnly, countOnly,
                minModRevision, maxModRevision, min, max);
    }
}
