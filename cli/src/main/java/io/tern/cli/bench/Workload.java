package io.tern.cli.bench;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What the logical clients of a {@link LoadGenerator} send: one kind of load of {@code tern bench
 * --workload}. The generator owns the closed loops, the timing and the latency histograms; a workload
 * only makes the requests, and sets up and checks whatever else it needs.
 */
interface Workload extends AutoCloseable {

    /** One request in flight: whether it counts as a read or a write, and its outcome. */
    record Request(boolean read, CompletableFuture<?> result) {
    }

    /** Sets up what the load needs before its first request (history to read, leases, watches). */
    default void prepare() throws InterruptedException {
    }

    /** Sends one request; called on the I/O threads, so it must not block. */
    Request send(ThreadLocalRandom random);

    /** The warmup is over: what the workload counts besides the requests starts afresh. */
    default void startMeasuring() {
    }

    /**
     * The load has stopped and drained: waits up to {@code timeout} for what is still due (the last
     * writes' watch events) and returns the watch fan-out's results, rated over the time since
     * {@code measuredFrom} ({@link System#nanoTime}), or {@code null} for a workload without watches.
     */
    default BenchReport.Fanout finish(long measuredFrom, Duration timeout) throws InterruptedException {
        return null;
    }

    /** Releases what {@link #prepare} opened. */
    @Override
    default void close() {
    }
}
