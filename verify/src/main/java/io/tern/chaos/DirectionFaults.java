package io.tern.chaos;

import java.time.Duration;

/**
 * The faults of one direction of a {@link FaultProxy}, immutable so that a change is published to
 * every connection at once by swapping one reference.
 *
 * @param latencyNanos the delay added to every chunk
 * @param jitterNanos  each chunk's delay varies uniformly within {@code latency ± jitter} (never below 0)
 * @param blackholed   every byte is dropped silently
 */
record DirectionFaults(long latencyNanos, long jitterNanos, boolean blackholed) {

    static final DirectionFaults NONE = new DirectionFaults(0, 0, false);

    DirectionFaults {
        if (latencyNanos < 0 || jitterNanos < 0) {
            throw new IllegalArgumentException("latency and jitter must not be negative");
        }
    }

    DirectionFaults withDelay(Duration latency, Duration jitter) {
        return new DirectionFaults(latency.toNanos(), jitter.toNanos(), blackholed);
    }

    DirectionFaults withBlackhole(boolean on) {
        return new DirectionFaults(latencyNanos, jitterNanos, on);
    }

    boolean delays() {
        return latencyNanos > 0 || jitterNanos > 0;
    }

    @Override
    public String toString() {
        if (blackholed) {
            return "blackholed";
        }
        return delays() ? (latencyNanos / 1_000_000.0) + "±" + (jitterNanos / 1_000_000.0) + " ms" : "clear";
    }
}
