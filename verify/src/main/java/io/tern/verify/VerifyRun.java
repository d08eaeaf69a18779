package io.tern.verify;

import io.tern.client.TernClientBuilder;
import io.tern.verify.api.ApiCallException;
import io.tern.verify.api.ApiClient;
import io.tern.verify.api.ClientApi;
import io.tern.verify.api.EtcdApiClient;
import io.tern.verify.api.NativeApiClient;
import io.tern.verify.lock.LockWorkload;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import io.tern.client.TernClient;
import io.tern.client.protocol.ReadMode;
import io.tern.verify.checker.CheckConfig;
import io.tern.verify.checker.LinearizabilityChecker;
import io.tern.verify.checker.Verdict;
import io.tern.verify.cluster.ClusterControl;
import io.tern.verify.cluster.ExternalCluster;
import io.tern.verify.cluster.LocalCluster;
import io.tern.verify.cluster.StateDigest;
import io.tern.verify.history.Call;
import io.tern.verify.history.History;
import io.tern.verify.history.Operation;
import io.tern.platform.TmpfsMount;
import io.tern.verify.nemesis.FaultEvent;
import io.tern.verify.nemesis.Fault;
import io.tern.verify.nemesis.Faults;
import io.tern.verify.nemesis.LeaderTracker;
import io.tern.verify.nemesis.Nemesis;
import io.tern.verify.lease.LeaseChecker;
import io.tern.verify.lease.LeaseHistory;
import io.tern.verify.lease.LeaseRecord;
import io.tern.verify.lease.LeaseWorkload;
import io.tern.verify.watch.HistoryChanges;
import io.tern.verify.watch.ObservedWatch;
import io.tern.verify.watch.WatchWorkload;
import io.tern.verify.workload.HistoryRecorder;
import io.tern.verify.workload.Workload;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One torture run: a cluster (started here, or an existing one), concurrent recorded clients, a
 * nemesis, then healing, final reads of every key, the end-of-run checks and the linearizability
 * check. It writes the history, a summary, an explanation of any violation and a plot to the
 * output directory (where local nodes keep their logs too).
 */
public final class VerifyRun {

    private static final Duration HEAL_TIMEOUT = Duration.ofSeconds(90);
    /** Lease holders beside the kv workload, and the TTL their leases ask for. */
    private static final int LEASE_HOLDERS = 3;
    private static final long LEASE_TTL_SECONDS = 3;
    private static final long CHECK_MAX_STATES = 5_000_000;
    /**
     * Each node's own disk for the disk-full fault, and its reserve: room for a run's log, state and
     * snapshots well above the reserve, small enough that a ballast fills it in a moment.
     */
    static final long SMALL_DISK_BYTES = 192L << 20;
    static final long SMALL_DISK_RESERVE_BYTES = 48L << 20;

    private VerifyConfig config;
    private final Consumer<String> progress;

    /** @param progress where one-line progress notes go (the command prints them to stderr) */
    public VerifyRun(VerifyConfig config, Consumer<String> progress) {
        this.config = config;
        this.progress = progress;
    }

    public VerifyReport run() throws IOException, InterruptedException {
        Path out = config.outputDirectory();
        Files.createDirectories(out);
        config = withoutDiskFullIfRefused(config, out);
        long origin = System.nanoTime();
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        try (ClusterControl cluster = openCluster(out)) {
            cluster.awaitLeader(Duration.ofSeconds(60));
            progress.accept("cluster ready: " + String.join(",", cluster.endpoints())
                    + (config.api() == ClientApi.ETCD ? "; etcd API at " + String.join(",", cluster.etcdEndpoints()) : ""));
            List<String> endpoints = apiEndpoints(cluster);
            HistoryRecorder recorder = new HistoryRecorder(config.runs(Workload.KV) ? config.processes() : 0,
                    config.keys(), config.seed(), origin, config.thinkTime(), config.runs(Workload.TXN),
                    p -> client(rotate(endpoints, p)));
            History history = recorder.history();
            ApiClient markerClient = client(endpoints);
            WatchWorkload watches = !config.runs(Workload.WATCH) ? null : new WatchWorkload(
                    w -> client(rotate(endpoints, w)), put -> {
                        Operation marker = recorder.invoke(config.processes() + 1, markerClient, put);
                        history.record(marker);
                        return marker;
                    });
            LeaseWorkload leases = !config.runs(Workload.LEASE) ? null : new LeaseWorkload(LEASE_HOLDERS,
                    LEASE_TTL_SECONDS, config.seed() ^ 0x1ea5eL, origin, h -> client(rotate(endpoints, h + 1)));
            CompletableFuture<LockWorkload.Result> locks = null;
            List<FaultEvent> faults = List.of();
            List<LeaderTracker.LeaderChange> leaders;
            long runNanos;
            try (LeaderTracker tracker = LeaderTracker.start(cluster, origin);
                 Nemesis nemesis = config.faults().isEmpty() ? null
                         : Nemesis.create(cluster, config.faults(), config.seed(), config.timing(), origin)) {
                if (watches != null) {
                    startWatches(watches, problems);
                }
                long loadStart = System.nanoTime();
                recorder.start();
                if (leases != null) {
                    leases.start();
                }
                if (config.runs(Workload.LOCK)) {
                    locks = startLocks(cluster.endpoints());
                }
                if (nemesis != null) {
                    nemesis.start();
                }
                Thread.sleep(config.duration().toMillis() / 3);
                if (watches != null) {
                    startLateWatches(watches, history, problems);
                }
                Thread.sleep(config.duration().toMillis() - config.duration().toMillis() / 3);
                if (nemesis != null) {
                    progress.accept("healing the cluster");
                    nemesis.stopAndHeal(HEAL_TIMEOUT);
                    faults = nemesis.events();
                    problems.addAll(nemesis.violations());
                }
                recorder.stop();
                runNanos = System.nanoTime() - loadStart;
                if (leases != null) {
                    progress.accept("waiting for the last leases to end");
                    leases.stop();
                }
                leaders = tracker.changes();
            } finally {
                recorder.close();
                if (leases != null) {
                    leases.close();
                }
            }
            long commit = cluster.awaitCaughtUp(HEAL_TIMEOUT);
            List<String> workloadLines = new ArrayList<>();
            try {
                if (watches != null) {
                    watches.finish();
                }
            } finally {
                if (watches != null) {
                    watches.close();
                }
                markerClient.close();
            }
            readEveryKeyAtTheEnd(cluster, history, origin, recorder);
            checkConvergence(cluster, commit, problems);
            cluster.exitedUnexpectedly().forEach(id -> problems.add("node " + id
                    + " exited without the nemesis stopping it (see its log)"));
            recorder.regressions().forEach(r -> problems.add("process " + r.process() + " saw revision " + r.later()
                    + " after " + r.earlier() + " (" + r.call() + "): revisions went backwards"));
            if (watches != null) {
                workloadLines.add(checkWatches(watches, history, problems));
            }
            if (leases != null) {
                workloadLines.add(checkLeases(leases, leaders, problems));
            }
            if (locks != null) {
                workloadLines.add(checkLocks(locks, problems) + (config.api() == ClientApi.ETCD
                        ? " (through the native client: jetcd's Lock calls etcd's v3lock service, which Tern does not "
                        + "serve, and the recipe lives in Tern's client)" : ""));
            }
            progress.accept("checking " + history.size() + " operations");
            Verdict verdict = LinearizabilityChecker.check(history,
                    new CheckConfig(config.checkTimeout(), CHECK_MAX_STATES));
            history.writeJsonLines(out.resolve("history.jsonl"));
            String summary = RunSummary.describe(config, history, faults, leaders, runNanos, verdict, problems,
                    workloadLines);
            Files.writeString(out.resolve("summary.txt"), summary);
            if (!verdict.witnesses().isEmpty() || !problems.isEmpty()) {
                try (PrintWriter explanation = new PrintWriter(Files.newBufferedWriter(out.resolve("explanation.txt")))) {
                    problems.forEach(explanation::println);
                    explanation.println(verdict.explain());
                }
            }
            HistoryPlot.write(out.resolve("history.html"), history, faults, leaders, verdict);
            return new VerifyReport(verdict, problems, summary);
        }
    }

    private void startWatches(WatchWorkload watches, List<String> problems) throws InterruptedException {
        try {
            watches.startBeforeWorkload(!config.external());
            progress.accept("watching the workload's keys");
        } catch (IllegalStateException | ApiCallException e) {
            problems.add("watch: " + e.getMessage());
        }
    }

    private static void startLateWatches(WatchWorkload watches, History history, List<String> problems) {
        try {
            watches.startLate(newestRevision(history));
        } catch (ApiCallException e) {
            problems.add("watch: " + e.getMessage());
        }
    }

    private static long newestRevision(History history) {
        return history.operations().stream().mapToLong(Operation::revision).max().orElse(0);
    }

    /** Judges the watches against the history's writes; returns the summary's line. */
    private static String checkWatches(WatchWorkload watches, History history, List<String> problems) {
        problems.addAll(watches.problems().stream().map(p -> "watch: " + p).toList());
        List<ObservedWatch> observed = watches.observed();
        List<String> anomalies = HistoryChanges.of(history.operations()).checker().check(observed);
        anomalies.forEach(a -> problems.add("watch: " + a));
        long events = observed.stream().mapToLong(w -> w.events().size()).sum();
        return String.format(Locale.ROOT, "watches: %d, %d events delivered; %s", observed.size(), events,
                anomalies.isEmpty() && watches.problems().isEmpty()
                        ? "each saw every change of its keys once, in revision order, and the final write"
                        : (anomalies.size() + watches.problems().size()) + " anomalies (below)");
    }

    /**
     * Judges the leases by the reads of their keys. A lease may outlive its TTL (counted from its latest
     * possible renewal, a new leader's election included) by one election timeout (a key read just as a
     * deposed leader is replaced), plus the leader's expiry check interval (half an election timeout),
     * plus a second of slack for proposing and applying the revoke through faulty links. The lateness
     * actually seen is printed, so the allowance can be compared with what the cluster did.
     */
    private String checkLeases(LeaseWorkload leases, List<LeaderTracker.LeaderChange> leaders, List<String> problems) {
        long electionNanos = config.electionTimeout().toNanos();
        long allowance = electionNanos + electionNanos / 2 + TimeUnit.SECONDS.toNanos(1);
        List<Long> elections = leaders.stream().map(LeaderTracker.LeaderChange::atNanos).toList();
        List<LeaseRecord> records = leases.leases();
        List<LeaseHistory> histories = records.stream().map(r -> r.history(elections)).toList();
        List<String> anomalies = new LeaseChecker(allowance).check(histories);
        anomalies.forEach(a -> problems.add("lease: " + a));
        long lastSeen = Long.MIN_VALUE;
        long goneBy = Long.MIN_VALUE;
        int expired = 0;
        for (LeaseRecord record : records) {
            var lateness = record.expiryLateness(elections);
            if (lateness.isPresent()) {
                expired++;
                lastSeen = Math.max(lastSeen, lateness.get().lastSeenNanos());
                goneBy = Math.max(goneBy, lateness.get().goneByNanos());
            }
        }
        long reads = histories.stream().mapToLong(h -> h.reads().size()).sum();
        long renewals = histories.stream().mapToLong(h -> h.renewalsSent().size()).sum();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "leases: %d judged (%d expired by themselves), %d acknowledged grants and keep-alives, %d reads; "
                        + "expiry allowed %d ms past the TTL", histories.size(), expired, renewals, reads,
                TimeUnit.NANOSECONDS.toMillis(allowance)));
        if (expired > 0) {
            line.append(String.format(Locale.ROOT, ", seen: keys last found %d ms and gone by %d ms past it at most",
                    TimeUnit.NANOSECONDS.toMillis(lastSeen), TimeUnit.NANOSECONDS.toMillis(goneBy)));
        }
        line.append(anomalies.isEmpty() ? "; no lease ended early or lived too long" : "; " + anomalies.size()
                + " anomalies (below)");
        leases.notes().forEach(n -> line.append("\n  ").append(n));
        return line.toString();
    }

    private ClusterControl openCluster(Path out) {
        if (config.external()) {
            return ExternalCluster.attach(config.endpoints(), config.requestTimeout(), config.security());
        }
        LocalCluster.Config local = new LocalCluster.Config().nodes(config.nodes()).fsync(config.fsync())
                .snapshotEntries(config.snapshotEntries()).extraServerArgs(config.extraServerArgs())
                .proxySeed(config.seed()).launch(config.nodeLaunch()).etcdApi(config.api() == ClientApi.ETCD)
                .clientSecurity(config.security());
        if (config.faults().contains(Faults.DISK_FULL)) {
            local.smallDisks(SMALL_DISK_BYTES, SMALL_DISK_RESERVE_BYTES);
        }
        progress.accept("starting " + config.nodes() + " nodes in " + out);
        return LocalCluster.start(out, local);
    }

    /**
     * The disk-full fault needs a small disk per node, which only root can mount: where mounting is
     * refused the run goes on without that fault, and says why.
     */
    private VerifyConfig withoutDiskFullIfRefused(VerifyConfig run, Path out) throws IOException {
        if (!run.faults().contains(Faults.DISK_FULL) || run.external()) {
            return run;
        }
        try (TmpfsMount probe = TmpfsMount.mount(out.resolve("disk-probe"), 1 << 20)) {
            probe.usableBytes();
        } catch (TmpfsMount.RefusedException e) {
            progress.accept("skipping the disk-full fault: cannot mount a small disk per node (" + e.getMessage() + ")");
            Set<Fault> others = new HashSet<>(run.faults());
            others.remove(Faults.DISK_FULL);
            return run.withFaults(others);
        } finally {
            Files.deleteIfExists(out.resolve("disk-probe"));
        }
        return run;
    }

    /** The lock contenders, on a thread of their own for the run's duration. */
    private CompletableFuture<LockWorkload.Result> startLocks(List<String> endpoints) {
        CompletableFuture<LockWorkload.Result> result = new CompletableFuture<>();
        TernClientBuilder clients = config.security()
                .applyTo(TernClient.builder().endpoints(endpoints).requestTimeout(config.requestTimeout()));
        Thread.ofPlatform().name("verify-locks").start(() -> {
            try {
                result.complete(LockWorkload.run(clients, LockWorkload.Config.of(config.duration()),
                        config.seed() ^ 0x10c4L));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** Judges the lock by its fenced writes: never two holders at once. */
    private static String checkLocks(CompletableFuture<LockWorkload.Result> locks, List<String> problems)
            throws InterruptedException {
        try {
            LockWorkload.Result result = locks.get(HEAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            result.anomalies().forEach(anomaly -> problems.add("lock: " + anomaly));
            return result.summary();
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            problems.add("the lock workload failed: " + cause);
            return "lock: failed (" + cause + ")";
        }
    }

    /** Where the workloads' clients connect: the members' native addresses, or their etcd addresses. */
    private List<String> apiEndpoints(ClusterControl cluster) {
        return config.api() == ClientApi.ETCD ? cluster.etcdEndpoints() : cluster.endpoints();
    }

    /** A client of the run's API, first (or, with etcd, among others) at {@code endpoints.get(0)}. */
    private ApiClient client(List<String> endpoints) {
        return switch (config.api()) {
            case NATIVE -> NativeApiClient.connect(endpoints, config.requestTimeout(), config.security());
            case ETCD -> EtcdApiClient.connect(endpoints, config.requestTimeout(), config.security());
        };
    }

    private static List<String> rotate(List<String> endpoints, int by) {
        List<String> rotated = new ArrayList<>(endpoints);
        Collections.rotate(rotated, -(by % endpoints.size()));
        return rotated;
    }

    /**
     * Once the cluster is healed and quiet, one linearizable read of every key, recorded in the
     * history: an acknowledged write that was lost then shows up as a violation.
     */
    private void readEveryKeyAtTheEnd(ClusterControl cluster, History history, long origin, HistoryRecorder recorder) {
        int process = config.processes();
        try (ApiClient reader = client(apiEndpoints(cluster))) {
            for (int k = 0; k < config.keys(); k++) {
                Operation read = recorder.invoke(process, reader, new Call.Get("k" + k, ReadMode.LINEARIZABLE));
                history.record(read);
            }
        }
    }

    private void checkConvergence(ClusterControl cluster, long commit, List<String> problems) {
        Map<Integer, StateDigest> digests = cluster.digests(commit);
        StateDigest first = null;
        for (StateDigest digest : digests.values()) {
            if (first == null) {
                first = digest;
            } else if (!first.sameStateAs(digest)) {
                problems.add("nodes " + first.id() + " and " + digest.id() + " hold different states: " + first
                        + " vs " + digest);
            }
        }
    }
}
