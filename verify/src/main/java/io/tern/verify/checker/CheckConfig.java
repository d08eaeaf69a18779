package io.tern.verify.checker;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounds of a check. When one is hit, the partition being searched gets the verdict UNKNOWN
 * instead of a guess.
 *
 * @param timeout how long the searches of all partitions may take together; partitions are checked
 *     one after another against one deadline
 * @param maxStates how many states one partition's search may remember (typically 150 to 300 bytes
 *     each); whatever this says, a search also stops (UNKNOWN) before its states would fill half
 *     the heap
 * @param shrinkTimeout how long to spend, per partition and on top of the timeout, finding and shrinking
 *     a small window that fails on its own: for a partition the search proved not linearizable, and
 *     for one whose search hit a bound (a failing window then proves it not linearizable); when it
 *     runs out, the report shows the smallest window found so far
 */
public record CheckConfig(Duration timeout, long maxStates, Duration shrinkTimeout) {

    // Declared first: DEFAULTS below is built with it.
    private static final Duration DEFAULT_SHRINK_TIMEOUT = Duration.ofSeconds(10);

    public static final CheckConfig DEFAULTS = new CheckConfig(Duration.ofMinutes(1), 2_000_000);

    public CheckConfig {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(shrinkTimeout, "shrinkTimeout");
        if (timeout.isNegative() || shrinkTimeout.isNegative() || maxStates < 1) {
            throw new IllegalArgumentException("bounds must be positive: " + timeout + ", " + maxStates + ", " + shrinkTimeout);
        }
    }

    /** These bounds, with 10 s (or the timeout, if shorter) for shrinking a failure. */
    public CheckConfig(Duration timeout, long maxStates) {
        this(timeout, maxStates, timeout.compareTo(DEFAULT_SHRINK_TIMEOUT) < 0 ? timeout : DEFAULT_SHRINK_TIMEOUT);
    }
}
