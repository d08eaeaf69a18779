package io.tern.cli.bench;

import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.GetResponse;
import io.grpc.StatusRuntimeException;
import io.tern.client.GetResult;
import io.tern.client.KvResult;
import io.tern.client.TernException;
import io.tern.kv.RangeResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A closed-loop load of a {@link Workload}'s requests: {@code clients} logical clients, each with exactly one request outstanding,
 * sending the next one from the completion of the previous (no thread per client; the completions
 * run on the client's I/O threads). Latencies of successful requests go to HdrHistogram
 * {@link Recorder}s in microseconds, which writers update wait-free and a reporter drains by interval.
 */
final class LoadGenerator {

    static final int SIGNIFICANT_DIGITS = 3;

    private final Workload workload;
    private final int clients;
    private final Recorder reads = new Recorder(SIGNIFICANT_DIGITS);
    private final Recorder writes = new Recorder(SIGNIFICANT_DIGITS);
    private final CountDownLatch drained;
    private volatile Counters counters = new Counters();
    private volatile boolean running;

    /** What the histograms do not hold: reads that found no value and failures by type. */
    static final class Counters {
        private final LongAdder notFound = new LongAdder();
        private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

        long notFound() {
            return notFound.sum();
        }

        long errors() {
            return errors.values().stream().mapToLong(LongAdder::sum).sum();
        }

        /** Error counts by protocol status (TIMEOUT, UNAVAILABLE, ...), gRPC status code or exception class, sorted by name. */
        Map<String, Long> errorsByType() {
            Map<String, Long> byType = new TreeMap<>();
            errors.forEach((type, count) -> byType.put(type, count.sum()));
            return byType;
        }
    }

    LoadGenerator(Workload workload, int clients) {
        this.workload = workload;
        this.clients = clients;
        this.drained = new CountDownLatch(clients);
    }

    /** Key {@code n} as zero-padded decimal digits, {@code width} long (like etcd's benchmark keys). */
    static byte[] key(long n, int width) {
        byte[] key = new byte[width];
        long rest = n;
        for (int i = width - 1; i >= 0; i--) {
            key[i] = (byte) ('0' + rest % 10);
            rest /= 10;
        }
        return key;
    }

    void start() {
        running = true;
        for (int i = 0; i < clients; i++) {
            next();
        }
    }

    /** Lets every logical client finish its outstanding request and send no more. */
    void stop() {
        running = false;
    }

    /** Whether every logical client finished within {@code timeout} after {@link #stop()}. */
    boolean awaitDrained(Duration timeout) throws InterruptedException {
        return drained.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    Histogram readInterval(Histogram recycle) {
        return reads.getIntervalHistogram(recycle);
    }

    Histogram writeInterval(Histogram recycle) {
        return writes.getIntervalHistogram(recycle);
    }

    Counters counters() {
        return counters;
    }

    /** Starts counting afresh (at the end of the warmup) and returns the counters so far. */
    Counters resetCounters() {
        Counters old = counters;
        counters = new Counters();
        return old;
    }

    /**
     * Sends requests for one logical client until one is still in flight when this returns. A
     * request that completed before its callback could be attached is handled in this loop rather
     * than by recursion, so a run of instant failures cannot grow the stack.
     */
    private void next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (running) {
            long start = System.nanoTime();
            boolean read;
            CompletableFuture<?> request;
            try {
                Workload.Request sent = workload.send(random);
                read = sent.read();
                request = sent.result();
            } catch (RuntimeException e) {
                read = false;
                request = CompletableFuture.failedFuture(e);
            }
            if (request.isDone()) {
                Object result = null;
                Throwable error = null;
                try {
                    result = request.join();
                } catch (CompletionException | CancellationException e) {
                    error = e;
                }
                record(read, start, result, error);
                continue;
            }
            boolean sentRead = read;
            request.whenComplete((result, error) -> {
                record(sentRead, start, result, error);
                next();
            });
            return;
        }
        drained.countDown();
    }

    private void record(boolean read, long start, Object result, Throwable error) {
        long micros = (System.nanoTime() - start) / 1_000;
        Counters current = counters;
        if (error != null) {
            current.errors.computeIfAbsent(errorType(error), type -> new LongAdder()).increment();
            return;
        }
        (read ? reads : writes).recordValue(micros);
        if (read && notFound(result)) {
            current.notFound.increment();
        }
    }

    /**
     * A get of a missing key, or a range (such as at a revision before the key's first write) that
     * holds none, from Tern's client or from jetcd.
     */
    static boolean notFound(Object result) {
        return switch (result) {
            case GetResult get -> !get.found();
            case KvResult<?> kv -> kv.response() instanceof RangeResponse range && range.kvs().isEmpty();
            case GetResponse etcd -> etcd.getKvs().isEmpty();
            case null, default -> false;
        };
    }

    /** A failure's name in a report: Tern's protocol status, etcd's error code or gRPC's status code, else the exception's class. */
    static String errorType(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return switch (cause) {
            case TernException tern -> tern.status().name();
            case EtcdException etcd -> etcd.getErrorCode().name();
            case StatusRuntimeException grpc -> grpc.getStatus().getCode().name();
            default -> cause.getClass().getSimpleName();
        };
    }
}
