package io.tern.server.watch;

import io.tern.client.protocol.WatchRequests;
import io.tern.kv.KeyRange;
import io.tern.kv.WatchEvent;

/**
 * One watch, as its hub keeps it. Touched only on the hub's thread.
 *
 * <p>Its position is {@link #nextRevision}: every change it selects below it has been sent. A synced
 * watch takes the changes as they are applied; one that is not reads them from the history until it
 * reaches the current revision ({@link #synced} false), or waits for its connection to drain
 * ({@link #blocked}).
 */
final class Watch {

    final WatchSession session;
    final long requestId;
    final long id;
    final KeyRange range;
    final boolean noPut;
    final boolean noDelete;
    final boolean prevKv;
    final boolean progressNotify;

    long nextRevision;
    boolean synced;
    boolean blocked;
    boolean queued;
    boolean cancelled;

    Watch(WatchSession session, long id, WatchRequests.Create request) {
        this.session = session;
        this.requestId = request.requestId();
        this.id = id;
        this.range = request.range();
        this.noPut = request.noPut();
        this.noDelete = request.noDelete();
        this.prevKv = request.prevKv();
        this.progressNotify = request.progressNotify();
    }

    /** Whether the watch sends {@code event}, its range and filters considered. */
    boolean selects(WatchEvent event) {
        if (event.type() == WatchEvent.Type.PUT ? noPut : noDelete) {
            return false;
        }
        return range.contains(event.kv().key());
    }

    /** {@code event} as this watch sends it: without the previous key unless it asked for it. */
    WatchEvent shaped(WatchEvent event) {
        return prevKv || event.prevKv() == null ? event : new WatchEvent(event.type(), event.kv(), null);
    }
}
