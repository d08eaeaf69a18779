package io.tern.client;

import io.tern.client.protocol.WatchRequests;
import io.tern.kv.KeyRange;
import java.util.Objects;

/**
 * What a watch selects and how: a key or a range, where it starts, filters, prev_kv and progress
 * notifications. Immutable; each {@code with...} returns a copy.
 *
 * @param startRevision the first revision to deliver; 0 (the default) for the changes after the
 *                      member's current revision
 */
public record WatchOptions(KeyRange range, long startRevision, boolean noPut, boolean noDelete, boolean prevKv,
                           boolean progressNotify) {

    public WatchOptions {
        Objects.requireNonNull(range, "range");
        if (startRevision < 0) {
            throw new IllegalArgumentException("startRevision must not be negative: " + startRevision);
        }
        if (range.isEmpty()) {
            throw new IllegalArgumentException("the range is empty: its end is not above its key");
        }
    }

    public static WatchOptions key(byte[] key) {
        return range(KeyRange.single(key));
    }

    public static WatchOptions prefix(byte[] prefix) {
        return range(KeyRange.prefix(prefix));
    }

    public static WatchOptions range(KeyRange range) {
        return new WatchOptions(range, 0, false, false, false, false);
    }

    public WatchOptions withStartRevision(long revision) {
        return new WatchOptions(range, revision, noPut, noDelete, prevKv, progressNotify);
    }

    /** Deliver no puts (only deletes). */
    public WatchOptions withoutPuts() {
        return new WatchOptions(range, startRevision, true, noDelete, prevKv, progressNotify);
    }

    /** Deliver no deletes (only puts). */
    public WatchOptions withoutDeletes() {
        return new WatchOptions(range, startRevision, noPut, true, prevKv, progressNotify);
    }

    /** Each event carries the key as it was before the change. */
    public WatchOptions withPrevKv() {
        return new WatchOptions(range, startRevision, noPut, noDelete, true, progressNotify);
    }

    /** The member tells the watch now and then how far it is ({@link WatchListener#onProgress}). */
    public WatchOptions withProgressNotify() {
        return new WatchOptions(range, startRevision, noPut, noDelete, prevKv, true);
    }

    int flags() {
        return (noPut ? WatchRequests.NO_PUT : 0) | (noDelete ? WatchRequests.NO_DELETE : 0)
                | (prevKv ? WatchRequests.PREV_KV : 0) | (progressNotify ? WatchRequests.PROGRESS_NOTIFY : 0);
    }
}
