package io.tern.cli.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tern.cli.ClientOptions;
import io.tern.cli.Durations;
import io.tern.cli.ExitCodes;
import io.tern.cli.HelpOption;
import io.tern.client.ReadOptions;
import io.tern.client.TernClient;
import io.tern.client.protocol.ProtocolLimits;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tern bench}: a closed-loop load generator. A progress line per second goes to stderr, the
 * summary to stdout (as one JSON object with {@code --json}; see {@link BenchReport}).
 */
@Command(name = "bench", showDefaultValues = true,
        description = {"Measure throughput and latency with a closed-loop load.",
                "CLIENTS logical clients each keep exactly one request in flight. After the warmup, "
                        + "it prints a line per second to stderr (ops/s and p99 of that second, errors so far) "
                        + "and at the end a summary to stdout: ops/s and latency percentiles of successful "
                        + "requests (HdrHistogram, microsecond precision).",
                "Workloads (--workload):",
                "  put-get        gets and puts of random keys of [0, KEYS) written as zero-padded decimals, "
                        + "with random values, READ-RATIO of them gets.",
                "  range-history  first writes each of KEYS keys VERSIONS times, then reads single keys at "
                        + "random revisions between the first and the last of those writes (READ-MODE).",
                "  watch-fanout   opens WATCHERS watches of one key on WATCH-CLIENTS clients (spread over the "
                        + "endpoints), then CLIENTS writers put to it; adds events delivered per second across "
                        + "the watchers, the delay from a put's acknowledgement to its event's delivery, and "
                        + "checks that every watcher got every write (exit code 1 when not).",
                "  keepalive      grants LEASES leases (TTL 60 s), then renews them in turn with one "
                        + "keep-alive request each (counted as writes); revokes them at the end.",
                "With --api etcd, put-get drives any etcd v3 endpoint (etcd itself, or Tern's --etcd-listen) "
                        + "through the jetcd client: CONNECTIONS clients per endpoint, each request taking the next "
                        + "of them in turn; local reads are etcd's serializable gets."})
public final class BenchCommand implements Callable<Integer> {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final List<String> WORKLOADS = List.of("put-get", "range-history", "watch-fanout", "keepalive");
    private static final List<String> APIS = List.of("native", "etcd");
    private static final List<String> READ_MODES = List.of("linearizable", "local", "serializable");

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Mixin
    ClientOptions client;

    @Option(names = "--api", paramLabel = "API", defaultValue = "native",
            description = "native (Tern's protocol) or etcd (etcd's v3 gRPC API through jetcd; put-get only).")
    String api;

    @Option(names = "--workload", paramLabel = "NAME", defaultValue = "put-get",
            description = "put-get, range-history, watch-fanout or keepalive (see above).")
    String workload;

    @Option(names = "--clients", paramLabel = "N", defaultValue = "64", description = "Concurrent logical clients.")
    int clients;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "30s", converter = Durations.Converter.class,
            description = "How long to measure after the warmup, such as 30s, 2m or 500ms.")
    Duration duration;

    @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "5s", converter = Durations.Converter.class,
            description = "Load run before measuring and left out of the results (JIT, caches, connections).")
    Duration warmup;

    @Option(names = "--value-size", paramLabel = "BYTES", defaultValue = "256", description = "Bytes per written value.")
    int valueSize;

    @Option(names = "--read-ratio", paramLabel = "R", defaultValue = "0.5",
            description = "Fraction of requests that are gets, 0 to 1; the rest are puts.")
    double readRatio;

    @Option(names = "--keys", paramLabel = "N", defaultValue = "100000", description = "How many distinct keys.")
    long keys;

    @Option(names = "--key-size", paramLabel = "BYTES", defaultValue = "8",
            description = "Key length (zero-padded; grown if KEYS needs more digits).")
    int keySize;

    @Option(names = "--read-mode", paramLabel = "MODE", defaultValue = "linearizable",
            description = "linearizable (after a read barrier: the leader's, or a follower's read index from the leader) or local (any node's own state; "
                    + "serializable, etcd's name for it, is the same).")
    String readMode;

    @Option(names = "--connections", paramLabel = "N",
            description = "Connections per endpoint, requests pipelined over them (default: min(CLIENTS, 8)).")
    Integer connections;

    @Option(names = "--fill", description = "put-get: write each of the KEYS keys once before the warmup, so that gets "
            + "find a value.")
    boolean fill;

    @Option(names = "--spread", description = "put-get over the native API: send each request to an endpoint picked at "
            + "random, as etcd's clients spread theirs over the members, instead of to the one endpoint a client "
            + "uses until it fails (one client per endpoint, each failing over to the rest).")
    boolean spread;

    @Option(names = "--versions", paramLabel = "N", defaultValue = "3",
            description = "range-history: how many times each key is written before the reads.")
    int versions;

    @Option(names = "--watchers", paramLabel = "N", defaultValue = "100", description = "watch-fanout: watches of the key.")
    int watchers;

    @Option(names = "--watch-clients", paramLabel = "N", defaultValue = "4",
            description = "watch-fanout: clients the watches are spread over, each starting at another endpoint "
                    + "(at most WATCHERS).")
    int watchClients;

    @Option(names = "--leases", paramLabel = "N", defaultValue = "1000", description = "keepalive: leases renewed in turn.")
    int leases;

    @Option(names = "--json", description = "Print the summary as one JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        validate();
        int connectionsPerEndpoint = connections != null ? connections : Math.min(clients, 8);
        int keyWidth = Math.max(keySize, Long.toString(keys - 1).length());
        PrintWriter err = spec.commandLine().getErr();
        BenchReport report = etcd() ? benchEtcd(connectionsPerEndpoint, keyWidth, err)
                : benchNative(connectionsPerEndpoint, keyWidth, err);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            try {
                out.println(new ObjectMapper().writeValueAsString(report));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        } else {
            report.print(out);
        }
        if (report.ops() == 0) {
            out.flush();
            err.println("tern bench: no request succeeded");
            return ExitCodes.UNAVAILABLE;
        }
        if (report.fanout() != null && !report.fanout().complete()) {
            out.flush();
            err.printf(Locale.ROOT, "tern bench: %d events never reached their watchers and %d watches failed%n",
                    report.fanout().missingEvents(), report.fanout().watchErrors());
            return ExitCodes.NO;
        }
        return ExitCodes.OK;
    }

    private BenchReport benchNative(int connectionsPerEndpoint, int keyWidth, PrintWriter err) throws InterruptedException {
        ReadOptions readOptions = localReads() ? ReadOptions.local() : ReadOptions.linearizable();
        try (TernClient tern = client.builder().connectionsPerEndpoint(connectionsPerEndpoint).build()) {
            tern.ping(); // fail fast, with the CLI's one-line message, when no endpoint answers
            if (spread) {
                List<TernClient> perEndpoint = clientsStartingAtEachEndpoint(client.endpoints().size(), connectionsPerEndpoint);
                try {
                    return measure(new PutGetWorkload(perEndpoint, readRatio, keys, keyWidth, valueSize, readOptions, fill),
                            connectionsPerEndpoint, err);
                } finally {
                    perEndpoint.forEach(TernClient::close);
                }
            }
            return measure(workload(tern, keyWidth, readOptions), connectionsPerEndpoint, err);
        }
    }

    private BenchReport benchEtcd(int connectionsPerEndpoint, int keyWidth, PrintWriter err) throws InterruptedException {
        try (EtcdConnections etcd = EtcdConnections.open(client, connectionsPerEndpoint)) {
            etcd.checkReachable(client.timeout());
            return measure(new EtcdPutGetWorkload(etcd, readRatio, keys, keyWidth, valueSize, localReads(), fill),
                    connectionsPerEndpoint, err);
        }
    }

    private BenchReport measure(Workload workload, int connectionsPerEndpoint, PrintWriter err) throws InterruptedException {
        try (Workload load = workload) {
            load.prepare();
            return run(load, connectionsPerEndpoint, err);
        }
    }

    private boolean etcd() {
        return api.equals("etcd");
    }

    private boolean localReads() {
        return !readMode.equals("linearizable");
    }

    private Workload workload(TernClient tern, int keyWidth, ReadOptions readOptions) {
        return switch (workload) {
            case "put-get" -> new PutGetWorkload(List.of(tern), readRatio, keys, keyWidth, valueSize, readOptions, fill);
            case "range-history" -> new RangeHistoryWorkload(tern, keys, keyWidth, versions, valueSize, readOptions);
            case "watch-fanout" -> new WatchFanoutWorkload(tern,
                    clientsStartingAtEachEndpoint(Math.min(watchClients, watchers), 2), watchers, valueSize);
            case "keepalive" -> new KeepAliveWorkload(tern, leases);
            default -> throw new IllegalStateException("validated: " + workload);
        };
    }

    /** {@code count} clients, the i-th listing the endpoints from the i-th on, so that what they send spreads over them. */
    private List<TernClient> clientsStartingAtEachEndpoint(int count, int connectionsPerEndpoint) {
        List<String> endpoints = client.endpoints();
        List<TernClient> opened = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<String> rotated = new ArrayList<>(endpoints);
            Collections.rotate(rotated, -(i % endpoints.size()));
            // Without leader discovery: it would move every client to the leader before the first request.
            opened.add(client.builder().endpoints(rotated).connectionsPerEndpoint(connectionsPerEndpoint)
                    .discoverLeader(false).build());
        }
        return opened;
    }

    private void validate() {
        check(APIS.contains(api), "--api must be native or etcd: " + api);
        check(WORKLOADS.contains(workload), "--workload must be one of " + String.join(", ", WORKLOADS) + ": " + workload);
        check(!etcd() || workload.equals("put-get"), "--api etcd runs only the put-get workload, not " + workload);
        check(!fill || workload.equals("put-get"), "--fill applies only to the put-get workload, not " + workload);
        check(!spread || (!etcd() && workload.equals("put-get")),
                "--spread applies only to the put-get workload over the native API (etcd's clients spread already)");
        check(versions >= 1, "--versions must be at least 1: " + versions);
        check(watchers >= 1, "--watchers must be at least 1: " + watchers);
        check(watchClients >= 1, "--watch-clients must be at least 1: " + watchClients);
        check(leases >= 1, "--leases must be at least 1: " + leases);
        check(clients >= 1, "--clients must be at least 1: " + clients);
        check(!duration.isZero(), "--duration must be more than 0");
        check(valueSize >= 0, "--value-size must not be negative: " + valueSize);
        check(readRatio >= 0 && readRatio <= 1, "--read-ratio must be between 0 and 1: " + readRatio);
        check(keys >= 1, "--keys must be at least 1: " + keys);
        check(keySize >= 1 && keySize <= ProtocolLimits.MAX_KEY_BYTES,
                "--key-size must be between 1 and " + ProtocolLimits.MAX_KEY_BYTES + ": " + keySize);
        check(connections == null || connections >= 1, "--connections must be at least 1: " + connections);
        check(READ_MODES.contains(readMode), "--read-mode must be linearizable, local or serializable: " + readMode);
    }

    private void check(boolean condition, String message) {
        if (!condition) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }

    /**
     * Runs the warmup and the measurement, printing progress each second: ticks fall on whole
     * seconds since the start, plus one at the end of the warmup and one at the end.
     */
    private BenchReport run(Workload workload, int connectionsPerEndpoint, PrintWriter err) throws InterruptedException {
        LoadGenerator load = new LoadGenerator(workload, clients);
        Histogram readInterval = null;
        Histogram writeInterval = null;
        Histogram interval = new Histogram(3);
        Histogram totalReads = new Histogram(3);
        Histogram totalWrites = new Histogram(3);
        long startedAt = System.nanoTime();
        long measureAt = startedAt + warmup.toNanos();
        long endAt = measureAt + duration.toNanos();
        boolean measuring = warmup.isZero();
        if (measuring) {
            workload.startMeasuring();
        }
        long lastTick = startedAt;
        long tick = 1;
        load.start();
        while (true) {
            long nextSecond = startedAt + tick * SECOND;
            long boundary = measuring ? endAt : measureAt;
            long target = Math.min(nextSecond, boundary);
            for (long now = System.nanoTime(); now - target < 0; now = System.nanoTime()) {
                LockSupport.parkNanos(target - now);
            }
            readInterval = load.readInterval(readInterval);
            writeInterval = load.writeInterval(writeInterval);
            long now = System.nanoTime();
            interval.reset();
            interval.add(readInterval);
            interval.add(writeInterval);
            if (measuring) {
                totalReads.add(readInterval);
                totalWrites.add(writeInterval);
            }
            progress(err, measuring, now - (measuring ? measureAt : startedAt), now - lastTick, interval, load);
            lastTick = now;
            if (target == nextSecond) {
                tick++;
            }
            if (target == boundary) {
                if (measuring) {
                    break;
                }
                measuring = true;
                load.resetCounters();
                workload.startMeasuring();
            }
        }
        load.stop();
        // Every request ends by the client's deadline; a little more for the callbacks to run.
        load.awaitDrained(client.timeout().plusSeconds(2));
        totalReads.add(load.readInterval(readInterval));
        totalWrites.add(load.writeInterval(writeInterval));
        double seconds = (System.nanoTime() - measureAt) / 1e9;
        BenchReport.Fanout fanout = workload.finish(measureAt, client.timeout().plusSeconds(2));
        Histogram all = totalReads.copy();
        all.add(totalWrites);
        LoadGenerator.Counters counters = load.counters();
        long ops = all.getTotalCount();
        boolean putGet = this.workload.equals("put-get");
        return new BenchReport(client.endpoints(), clients, connectionsPerEndpoint, readMode,
                putGet ? readRatio : this.workload.equals("range-history") ? 1 : 0, valueSize,
                switch (this.workload) {
                    case "keepalive" -> leases;
                    case "watch-fanout" -> 1;
                    default -> keys;
                }, warmup.toNanos() / 1e9, round(seconds, 3), ops, round(ops / seconds, 1),
                totalReads.getTotalCount(), counters.notFound(), totalWrites.getTotalCount(), counters.errors(),
                counters.errorsByType(), BenchReport.Latency.of(all), BenchReport.Latency.of(totalReads),
                BenchReport.Latency.of(totalWrites), putGet ? null : this.workload, fanout, etcd() ? api : null);
    }

    private static void progress(PrintWriter err, boolean measuring, long elapsed, long intervalNanos,
                                 Histogram interval, LoadGenerator load) {
        double opsPerSecond = intervalNanos <= 0 ? 0 : interval.getTotalCount() * 1e9 / intervalNanos;
        err.printf(Locale.ROOT, "%-7s%6.1fs  %9.0f ops/s  p99 %8.3f ms  errors %d%n", measuring ? "" : "warmup",
                elapsed / 1e9, opsPerSecond, interval.getValueAtPercentile(99) / 1000.0,
                load.counters().errors());
        err.flush();
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
