package io.tern.raft.transport;

import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * How long to wait before reconnecting after {@code n} failures in a row: exponential from
 * {@code base}, capped at {@code max}, with "equal jitter" (half fixed, half random) so that the
 * members of a cluster that lost a peer together do not all knock on its door at the same instant.
 */
public final class Backoff {

    private final long baseNanos;
    private final long maxNanos;
    private final DoubleSupplier random;

    /**
     * @param random uniform in [0, 1); injectable so that tests can pin the jitter
     */
    public Backoff(Duration base, Duration max, DoubleSupplier random) {
        if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("need 0 < base <= max, got " + base + " and " + max);
        }
        this.baseNanos = base.toNanos();
        this.maxNanos = max.toNanos();
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Production default: from 50 ms up to about 1 s, jitter from {@link Math#random()}. */
    public static Backoff defaults() {
        return new Backoff(Duration.ofMillis(50), Duration.ofSeconds(1), Math::random);
    }

    /** The delay before the next attempt after {@code failures} consecutive failures (0 or more). */
    public Duration delayAfter(int failures) {
        if (failures < 0) {
            throw new IllegalArgumentException("failures must not be negative, was " + failures);
        }
        // Shifting past 62 bits would overflow; by then the cap has long applied.
        long ceiling = failures >= 62 || baseNanos > (maxNanos >> failures) ? maxNanos : baseNanos << failures;
        long half = ceiling / 2;
        return Duration.ofNanos(half + (long) (random.getAsDouble() * (ceiling - half)));
    }

    /** The longest delay this policy ever asks for. */
    public Duration max() {
        return Duration.ofNanos(maxNanos);
    }
}
