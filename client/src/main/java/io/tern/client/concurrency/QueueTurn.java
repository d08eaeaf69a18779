package io.tern.client.concurrency;

import io.tern.client.TernClient;
import io.tern.client.TernException;
import io.tern.client.WatchListener;
import io.tern.client.WatchOptions;
import io.tern.client.Watcher;
import io.tern.kv.KeyRange;
import io.tern.kv.RangeRequest;
import io.tern.kv.SortOrder;
import io.tern.kv.SortTarget;
import io.tern.kv.VersionedKeyValue;
import io.tern.kv.WatchEvent;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Waits for a place in the queue of a lock or an election to come first: until no key of the queue's
 * range has a create revision below the place's own. Like etcd's {@code waitDeletes}, it watches only
 * the key just ahead (the largest create revision below its own) for its delete, then looks again, so
 * that one holder's leaving wakes one waiter, not all of them.
 */
final class QueueTurn {

    private final TernClient client;
    private final KeyRange queue;
    private final long ownRevision;
    private final CompletableFuture<Void> turn = new CompletableFuture<>();
    private volatile boolean stopped;
    private Watcher watcher; // guarded by this

    private QueueTurn(TernClient client, KeyRange queue, long ownRevision) {
        this.client = client;
        this.queue = queue;
        this.ownRevision = ownRevision;
    }

    /** Starts waiting; the future completes once every key ahead of {@code ownRevision} is gone. */
    static QueueTurn await(TernClient client, KeyRange queue, long ownRevision) {
        QueueTurn waiting = new QueueTurn(client, queue, ownRevision);
        waiting.lookAhead();
        return waiting;
    }

    CompletableFuture<Void> future() {
        return turn;
    }

    /** Gives up waiting: the watch is closed and the future never completes by itself. */
    void stop() {
        Watcher current;
        synchronized (this) {
            stopped = true;
            current = watcher;
        }
        if (current != null) {
            current.close();
        }
    }

    /** The key just ahead in the queue at the current revision, or none. */
    static RangeRequest justAhead(KeyRange queue, long ownRevision) {
        return RangeRequest.of(queue).createRevisions(0, ownRevision - 1)
                .sortedBy(SortTarget.CREATE, SortOrder.DESCEND).withLimit(1).keysOnly(true);
    }

    private void lookAhead() {
        if (stopped) {
            return;
        }
        if (ownRevision <= 1) { // no revision below; and a max of 0 would mean no bound
            turn.complete(null);
            return;
        }
        client.kv().rangeAsync(justAhead(queue, ownRevision)).whenComplete((read, error) -> {
            if (error != null) {
                turn.completeExceptionally(Futures.cause(error));
            } else if (read.response().kvs().isEmpty()) {
                turn.complete(null);
            } else {
                awaitDelete(read.response().kvs().get(0), read.revision() + 1);
            }
        });
    }

    private void awaitDelete(VersionedKeyValue ahead, long fromRevision) {
        AtomicBoolean moved = new AtomicBoolean();
        Watcher started = client.watches().watch(
                WatchOptions.key(ahead.key()).withStartRevision(fromRevision).withoutPuts(), new WatchListener() {
                    @Override
                    public void onEvents(List<WatchEvent> events) {
                        if (!events.isEmpty() && moved.compareAndSet(false, true)) {
                            closeWatch();
                            lookAhead();
                        }
                    }

                    @Override
                    public void onClosed(TernException error) {
                        // Compacted history or a refusal: the key's fate is read afresh instead.
                        if (error != null && moved.compareAndSet(false, true)) {
                            lookAhead();
                        }
                    }
                });
        boolean keep;
        synchronized (this) {
            // A watch that already moved on (or was stopped) must not replace the one after it.
            keep = !stopped && !moved.get();
            if (keep) {
                watcher = started;
            }
        }
        if (!keep) {
            started.close();
        }
    }

    private void closeWatch() {
        Watcher current;
        synchronized (this) {
            current = watcher;
        }
        if (current != null) {
            current.close();
        }
    }
}
