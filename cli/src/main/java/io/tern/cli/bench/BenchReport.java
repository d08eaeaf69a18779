package io.tern.cli.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.PrintWriter;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/**
 * The result of one {@code tern bench} run, printed as text or, with {@code --json}, as one JSON
 * object with these fields. Latencies are of successful requests, in milliseconds. {@code workload}
 * and {@code fanout} are left out for the default put-get load, and {@code api} for the native
 * protocol, so that the default output stays as it was; for keepalive, {@code keys} is the number of
 * leases.
 */
public record BenchReport(List<String> endpoints, int clients, int connectionsPerEndpoint, String readMode,
                          double readRatio, int valueSize, long keys, double warmupSeconds, double durationSeconds,
                          long ops, double opsPerSecond, long reads, long readsNotFound, long writes, long errors,
                          Map<String, Long> errorsByType, Latency latencyMs, Latency readLatencyMs,
                          Latency writeLatencyMs, @JsonInclude(JsonInclude.Include.NON_NULL) String workload,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Fanout fanout,
                          @JsonInclude(JsonInclude.Include.NON_NULL) String api) {

    public BenchReport {
        endpoints = List.copyOf(endpoints);
        errorsByType = Collections.unmodifiableMap(new TreeMap<>(errorsByType));
    }

    /** A latency distribution in milliseconds, from a histogram in microseconds. */
    public record Latency(long count, double mean, double p50, double p90, double p99, double p999, double max) {

        static Latency of(Histogram micros) {
            if (micros.getTotalCount() == 0) {
                return new Latency(0, 0, 0, 0, 0, 0, 0);
            }
            return new Latency(micros.getTotalCount(), ms(micros.getMean()), ms(micros.getValueAtPercentile(50)),
                    ms(micros.getValueAtPercentile(90)), ms(micros.getValueAtPercentile(99)),
                    ms(micros.getValueAtPercentile(99.9)), ms(micros.getMaxValue()));
        }

        private static double ms(double micros) {
            return Math.round(micros) / 1000.0;
        }
    }

    /** A put-get report, as {@code tern bench} printed before it had other workloads. */
    public BenchReport(List<String> endpoints, int clients, int connectionsPerEndpoint, String readMode,
                       double readRatio, int valueSize, long keys, double warmupSeconds, double durationSeconds,
                       long ops, double opsPerSecond, long reads, long readsNotFound, long writes, long errors,
                       Map<String, Long> errorsByType, Latency latencyMs, Latency readLatencyMs,
                       Latency writeLatencyMs) {
        this(endpoints, clients, connectionsPerEndpoint, readMode, readRatio, valueSize, keys, warmupSeconds,
                durationSeconds, ops, opsPerSecond, reads, readsNotFound, writes, errors, errorsByType, latencyMs,
                readLatencyMs, writeLatencyMs, null, null, null);
    }

    /**
     * What the watchers of a watch-fanout got while measured: {@code events} delivered across all of
     * them, against {@code expectedEvents} (the measured writes times the watchers); {@code missingEvents}
     * counts, over the whole run, the acknowledged writes some watcher never got, and {@code watchErrors}
     * the watches that ended with an error. The delay is from a put's acknowledgement to its event's
     * arrival at a watcher.
     */
    public record Fanout(int watchers, int watchClients, long events, double eventsPerSecond, long expectedEvents,
                         long missingEvents, long watchErrors, Latency deliveryDelayMs) {

        /** Whether every watcher got every acknowledged write and no watch failed. */
        public boolean complete() {
            return missingEvents == 0 && watchErrors == 0;
        }
    }

    /** The human-readable summary. */
    void print(PrintWriter out) {
        out.printf(Locale.ROOT, "tern bench: %d clients over %d connection%s per endpoint to %s%s%n", clients,
                connectionsPerEndpoint, connectionsPerEndpoint == 1 ? "" : "s", String.join(",", endpoints),
                api == null ? "" : " (" + api + " API)");
        if (workload == null) {
            out.printf(Locale.ROOT, "workload  %s%% %s reads, %d-byte values, %d keys; %.1f s measured after %.1f s of warmup%n",
                    percent(readRatio), readMode, valueSize, keys, durationSeconds, warmupSeconds);
        } else {
            out.printf(Locale.ROOT, "workload  %s, %s reads, %d-byte values, %d %s; %.1f s measured after %.1f s of warmup%n",
                    workload, readMode, valueSize, keys, workload.equals("keepalive") ? "leases" : "keys",
                    durationSeconds, warmupSeconds);
        }
        out.printf(Locale.ROOT, "ops       %d (%.1f ops/s)%n", ops, opsPerSecond);
        out.printf(Locale.ROOT, "reads     %d (%d not found)%n", reads, readsNotFound);
        out.printf(Locale.ROOT, "writes    %d%n", writes);
        out.printf(Locale.ROOT, "errors    %d%s%n", errors, errorsByType.isEmpty() ? "" : errorsByType.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ", " (", ")")));
        out.printf(Locale.ROOT, "latency   %9s %9s %9s %9s %9s   (ms)%n", "p50", "p90", "p99", "p999", "max");
        row(out, "  all", latencyMs);
        row(out, "  reads", readLatencyMs);
        row(out, "  writes", writeLatencyMs);
        if (fanout != null) {
            out.printf(Locale.ROOT, "watchers  %d on %d client%s: %d events (%.1f events/s), %d expected%n",
                    fanout.watchers(), fanout.watchClients(), fanout.watchClients() == 1 ? "" : "s", fanout.events(),
                    fanout.eventsPerSecond(), fanout.expectedEvents());
            out.printf(Locale.ROOT, "missing   %d events, %d watches failed%s%n", fanout.missingEvents(),
                    fanout.watchErrors(), fanout.complete() ? "" : "  (ERROR: not every watcher got every write)");
            row(out, "  delay", fanout.deliveryDelayMs());
        }
    }

    private static void row(PrintWriter out, String label, Latency l) {
        out.printf(Locale.ROOT, "%-9s %9.3f %9.3f %9.3f %9.3f %9.3f%n", label, l.p50(), l.p90(), l.p99(), l.p999(), l.max());
    }

    private static String percent(double ratio) {
        double percent = ratio * 100;
        return percent == Math.rint(percent) ? Long.toString(Math.round(percent)) : String.format(Locale.ROOT, "%.1f", percent);
    }
}
