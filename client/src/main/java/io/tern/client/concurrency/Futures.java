package io.tern.client.concurrency;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** How the recipes wait for their futures and unwrap what they failed with. */
final class Futures {

    private Futures() {
    }

    /** The failure behind {@code error}, without the wrappers that {@link CompletableFuture} adds. */
    static Throwable cause(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Waits for {@code future}; its failure is rethrown as it is when unchecked. */
    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(false);
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting");
        } catch (ExecutionException e) {
            throw unchecked(cause(e));
        }
    }

    /**
     * Waits up to {@code timeoutNanos} for {@code future}; when the time is up or the thread is
     * interrupted, the future is cancelled (which is how a waiting lock or campaign gives up its place).
     * A future that completed in the instant between the two is not given up: its outcome stands, or a
     * caller would be told it failed to take a lock it holds.
     */
    static <T> T await(CompletableFuture<T> future, long timeoutNanos) throws InterruptedException, TimeoutException {
        try {
            return future.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException | TimeoutException e) {
            if (future.cancel(false) || future.isCancelled()) {
                throw e;
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            try {
                return future.join();
            } catch (CompletionException failed) {
                throw unchecked(cause(failed));
            }
        } catch (ExecutionException e) {
            throw unchecked(cause(e));
        }
    }

    static RuntimeException unchecked(Throwable cause) {
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new CompletionException(cause);
    }
}
