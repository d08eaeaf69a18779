package io.tern.engine;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * A resource opened on a thread of its own, so that the thread that asked for it opens something
 * else meanwhile. After a crash a member's RocksDB state and its log each take a few hundred
 * milliseconds to open, and neither needs the other to do so.
 */
final class BackgroundOpen<T extends AutoCloseable> {

    private final CompletableFuture<T> opening;
    private volatile Duration took = Duration.ZERO;

    private BackgroundOpen(String threadName, Supplier<T> opener) {
        opening = new CompletableFuture<>();
        Thread.ofPlatform().name(threadName).daemon().start(() -> {
            long started = System.nanoTime();
            try {
                T opened = opener.get();
                took = Duration.ofNanos(System.nanoTime() - started);
                opening.complete(opened);
            } catch (Throwable e) {
                opening.completeExceptionally(e);
            }
        });
    }

    static <T extends AutoCloseable> BackgroundOpen<T> start(String threadName, Supplier<T> opener) {
        return new BackgroundOpen<>(threadName, opener);
    }

    /** Waits for the resource; throws what opening it threw. */
    T join() {
        try {
            return opening.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** How long opening took, once {@link #join()} has returned. */
    Duration took() {
        return took;
    }

    /** Waits for the resource and closes it: the open it was part of failed elsewhere. */
    void abandon() {
        try {
            join().close();
        } catch (Exception e) {
            // Whatever went wrong here, the failure that abandoned it is the one to report.
        }
    }
}
