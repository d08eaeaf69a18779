package io.tern.client;

import java.util.concurrent.CompletableFuture;

/** A running watch: close it to stop it. */
public interface Watcher extends AutoCloseable {

    /** Completes when the watch has ended, normally (closed) or with the error its listener got. */
    CompletableFuture<Void> done();

    /** Stops the watch; the listener gets {@link WatchListener#onClosed} with {@code null} unless it already ended. */
    @Override
    void close();
}
