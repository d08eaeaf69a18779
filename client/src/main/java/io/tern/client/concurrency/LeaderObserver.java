package io.tern.client.concurrency;

import io.tern.client.CompactedException;
import io.tern.client.TernClient;
import io.tern.client.TernException;
import io.tern.client.UnavailableException;
import io.tern.client.WatchListener;
import io.tern.client.WatchOptions;
import io.tern.client.Watcher;
import io.tern.kv.KeyRange;
import io.tern.kv.RangeRequest;
import io.tern.kv.VersionedKeyValue;
import io.tern.kv.WatchEvent;
import java.nio.ByteBuffer;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Follows an election's leader ({@link Election#observe}): reads the candidates once, then keeps them
 * up to date from a watch of the prefix, and after each revision's changes tells the listener when
 * the candidate with the lowest create revision (or its value) differs from the last one told. If the
 * watch's history is compacted away it starts over from a fresh read, telling only what changed.
 */
final class LeaderObserver implements Watcher {

    private final TernClient client;
    private final KeyRange candidatesRange;
    private final LeaderListener listener;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    // Guarded by this; changed only from the read's completion and the watch's calls, one at a time.
    private final Map<ByteBuffer, VersionedKeyValue> candidates = new HashMap<>();
    private VersionedKeyValue told;
    private boolean toldNone;
    private Watcher watcher;
    private boolean closed;

    LeaderObserver(TernClient client, KeyRange candidatesRange, LeaderListener listener) {
        this.client = client;
        this.candidatesRange = candidatesRange;
        this.listener = listener;
    }

    void start() {
        client.kv().rangeAsync(RangeRequest.of(candidatesRange)).whenComplete((read, error) -> {
            if (error != null) {
                end(Futures.cause(error));
                return;
            }
            synchronized (this) {
                if (closed) {
                    return;
                }
                candidates.clear();
                for (VersionedKeyValue kv : read.response().kvs()) {
                    candidates.put(ByteBuffer.wrap(kv.key()), kv);
                }
                tell(read.revision());
            }
            follow(read.revision() + 1);
        });
    }

    private void follow(long fromRevision) {
        Watcher started = client.watches().watch(WatchOptions.range(candidatesRange).withStartRevision(fromRevision),
                new WatchListener() {
                    @Override
                    public void onEvents(List<WatchEvent> events) {
                        changed(events);
                    }

                    @Override
                    public void onClosed(TernException error) {
                        if (error instanceof CompactedException) {
                            start();
                        } else if (error != null) {
                            end(error);
                        }
                    }
                });
        boolean keep;
        synchronized (this) {
            keep = !closed;
            if (keep) {
                watcher = started;
            }
        }
        if (!keep) {
            started.close();
        }
    }

    private synchronized void changed(List<WatchEvent> events) {
        if (closed) {
            return;
        }
        for (int i = 0; i < events.size(); i++) {
            WatchEvent event = events.get(i);
            ByteBuffer key = ByteBuffer.wrap(event.kv().key());
            if (event.type() == WatchEvent.Type.PUT) {
                candidates.put(key, event.kv());
            } else {
                candidates.remove(key);
            }
            boolean lastOfItsRevision = i + 1 == events.size() || events.get(i + 1).revision() != event.revision();
            if (lastOfItsRevision) {
                tell(event.revision());
            }
        }
    }

    private void tell(long revision) {
        VersionedKeyValue leader = candidates.values().stream()
                .min(Comparator.comparingLong(VersionedKeyValue::createRevision)).orElse(null);
        if (leader == null) {
            if (!toldNone) {
                toldNone = true;
                told = null;
                listener.onNoLeader(revision);
            }
            return;
        }
        if (told != null && told.createRevision() == leader.createRevision() && told.modRevision() == leader.modRevision()) {
            return;
        }
        told = leader;
        toldNone = false;
        listener.onLeader(leader);
    }

    private void end(Throwable error) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        TernException reason = error instanceof TernException tern ? tern
                : new UnavailableException("observing the election failed: " + error, error);
        listener.onClosed(reason);
        done.completeExceptionally(reason);
    }

    @Override
    public CompletableFuture<Void> done() {
        return done;
    }

    @Override
    public void close() {
        Watcher current;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            current = watcher;
        }
        if (current != null) {
            current.close();
        }
        listener.onClosed(null);
        done.complete(null);
    }
}
