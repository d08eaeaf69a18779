package io.tern.verify.nemesis;

import java.time.Duration;

/**
 * How long a {@link Nemesis} keeps a fault on, and the cluster healthy in between: each interval is
 * drawn uniformly from its range.
 */
public record Timing(Duration quietMin, Duration quietMax, Duration activeMin, Duration activeMax) {

    /** Healthy for 1-3 s, then a fault for 1-4 s. */
    public static final Timing DEFAULT = new Timing(Duration.ofSeconds(1), Duration.ofSeconds(3),
            Duration.ofSeconds(1), Duration.ofSeconds(4));

    public Timing {
        if (quietMin.isNegative() || quietMax.compareTo(quietMin) < 0 || activeMin.isNegative()
                || activeMax.compareTo(activeMin) < 0) {
            throw new IllegalArgumentException("each range must be non-negative with min <= max: " + quietMin + ".."
                    + quietMax + ", " + activeMin + ".." + activeMax);
        }
    }
}
