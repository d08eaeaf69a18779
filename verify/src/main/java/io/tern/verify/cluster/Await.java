package io.tern.verify.cluster;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition against a deadline: how everything here waits, instead of sleeping a guessed time. */
public final class Await {

    /** Between two polls; STATUS calls themselves take a moment, so this is only a floor. */
    static final long POLL_MILLIS = 25;

    private Await() {
    }

    /**
     * Returns once {@code condition} holds.
     *
     * @throws ClusterException naming {@code what} if it does not hold within {@code timeout}
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        value(what, timeout, () -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty());
    }

    /**
     * Returns the first value {@code probe} yields.
     *
     * @throws ClusterException naming {@code what} if it yields none within {@code timeout}
     */
    public static <T> T value(String what, Duration timeout, Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new ClusterException("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            pause(POLL_MILLIS);
        }
    }

    /** Sleeps between two polls; an interrupt ends the wait with a {@link ClusterException}. */
    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted", e);
        }
    }
}
