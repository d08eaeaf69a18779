package io.tern.server.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tern.client.protocol.Opcode;
import io.tern.client.protocol.Status;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * {@code tern_request_duration_seconds{op, status}}: every answered native request, timed from its
 * decoding to its answer, as a histogram (its count is the request rate). Recording is on the hot
 * path: a timer is looked up in a plain array by opcode and status (no tags built, no registry
 * lookup, no lock), and registered only the first time a pair occurs, so unused pairs cost no series.
 */
public final class RequestMetrics {

    private static final int STATUSES = Status.values().length;
    private static final Duration[] BUCKETS = {Duration.ofNanos(100_000), Duration.ofNanos(250_000),
            Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(5)};

    private final MeterRegistry registry;
    private final AtomicReferenceArray<Timer> timers = new AtomicReferenceArray<>(Opcode.values().length * STATUSES);

    RequestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Any thread: a request of {@code opcode} was answered {@code status} after {@code nanos}. */
    public void answered(Opcode opcode, Status status, long nanos) {
        int slot = opcode.ordinal() * STATUSES + status.ordinal();
        Timer timer = timers.get(slot);
        if (timer == null) {
            // Two threads may both get here: the registry hands both the same timer.
            timer = Timer.builder("tern_request_duration").description("Native requests by opcode and status, "
                            + "from decoding to answer").tag("op", opcode.name()).tag("status", status.name())
                    .serviceLevelObjectives(BUCKETS).register(registry);
            timers.set(slot, timer);
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }
}
