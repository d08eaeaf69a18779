package io.tern.cli;

import io.tern.verify.VerifyConfig;
import io.tern.verify.VerifyReport;
import io.tern.verify.VerifyRun;
import io.tern.verify.api.ClientApi;
import io.tern.verify.cluster.ClusterException;
import io.tern.verify.cluster.NodeLaunch;
import io.tern.verify.nemesis.Fault;
import io.tern.verify.nemesis.Faults;
import io.tern.verify.nemesis.Timing;
import io.tern.verify.workload.Workload;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tern verify}: a Jepsen-style torture run. Starts a cluster of real processes (or uses one
 * given by {@code --endpoints}), runs recorded concurrent clients while a nemesis injects the
 * chosen faults, heals, and checks the history for linearizability and the end state for lost
 * writes and divergence.
 */
@Command(name = "verify", showDefaultValues = true, sortOptions = false,
        description = {"Torture a cluster with faults and check that every acknowledged operation was linearizable.",
                "Writes history.jsonl, summary.txt, history.html (a plot), explanation.txt (on a failure) and the "
                        + "node logs to --out."},
        footer = {"", "Fault kinds for --faults (comma-separated, or none): kill, kill-leader, kill-majority, pause, "
                + "partition, one-way, slow, membership, transfer, snapshot, oversize, disk-full (each node then keeps its data "
                + "on a small tmpfs of its own: needs root, skipped with a note otherwise). With --endpoints only "
                + "membership, transfer, snapshot and oversize.",
                "", "oversize sends requests at and one byte over every size limit (a key of 16 KiB, a value of "
                + "--max-value-bytes, read from --server-arg or else the default, a frame of 8 MiB + 64 KiB): "
                + "at-limit ones must be acknowledged and read back on every node, the others answered TOO_LARGE "
                + "with nothing changed.",
                "", "Workloads for --workloads: a watch must deliver every change of its keys exactly once, in "
                + "revision order, through failover, and the final write after healing; a lease's key must not vanish "
                + "within its TTL of an acknowledged keep-alive, nor outlive its TTL (from its last possible renewal "
                + "or a new leader's election) by more than 1.5 election timeouts plus 1 s.",
                "", "Exit status: 0 passed, 1 a violation or a failed end-of-run check, 2 usage, 3 the checker hit "
                + "its bound before deciding, 4 the cluster could not be started or reached."})
public final class VerifyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Option(names = "--nodes", defaultValue = "3", description = "Nodes to start (ignored with --endpoints).")
    int nodes;

    @Option(names = "--endpoints", paramLabel = "HOST:PORT,...", split = ",",
            description = "Test an existing cluster instead; only protocol faults (membership, transfer, snapshot, "
                    + "oversize).")
    List<String> endpoints = new ArrayList<>();

    @Option(names = "--duration", defaultValue = "30s", converter = Durations.Converter.class,
            description = "How long the workload and the nemesis run.")
    Duration duration;

    @Option(names = "--faults", defaultValue = "kill,pause,partition", paramLabel = "KIND,...",
            description = "The nemesis's faults, or none.")
    String faults;

    @Option(names = "--workloads", defaultValue = "kv,txn,watch,lease,lock", paramLabel = "NAME,...",
            description = "What the clients exercise: kv (GET, PUT, DELETE, CAS, BATCH, checked for linearizability), "
                    + "txn (transactions in that mix), watch (watches of its keys through the run, checked against "
                    + "its writes), lease (short leases kept alive, then left to expire or revoked, checked by reads "
                    + "of their keys), lock (contenders for the client's mutex recipe writing under its fence: never two "
                    + "holders at once). txn and watch need kv.")
    String workloads;

    @Option(names = "--api", defaultValue = "native", paramLabel = "native|etcd",
            description = "What the clients speak: native (Tern's protocol, TernClient) or etcd (etcd's v3 gRPC API "
                    + "through jetcd: the nodes serve it with --etcd-listen behind the same fault proxies). Needs a "
                    + "cluster verify starts. With etcd the lock workload still uses the native client (jetcd's Lock "
                    + "needs etcd's v3lock service, which Tern does not serve).")
    String api;

    @Option(names = "--seed", description = "Seed of the workload and the fault schedule (default: random, printed).")
    Long seed;

    @Option(names = "--clients", defaultValue = "8", description = "Concurrent clients, each one call at a time.")
    int clients;

    @Option(names = "--keys", defaultValue = "6", description = "Keys the clients share (even; batches write pairs).")
    int keys;

    @Option(names = "--think", defaultValue = "5ms", converter = Durations.Converter.class,
            description = "The most a client waits between calls (keeps the history checkable).")
    Duration think;

    @Option(names = "--timeout", defaultValue = "3s", converter = Durations.Converter.class,
            description = "Request timeout of each call, retries included.")
    Duration timeout;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write the results (default: a new "
            + "directory under the system temp directory).")
    Path out;

    @Option(names = "--fsync", defaultValue = "always", description = "--fsync of the nodes started.")
    String fsync;

    @Option(names = "--snapshot-entries", defaultValue = "2000",
            description = "--snapshot-entries of the nodes started (small, so snapshots happen during the run).")
    long snapshotEntries;

    @Option(names = "--server-arg", paramLabel = "ARG", description = "An extra flag for every node started "
            + "(repeatable), such as --server-arg=--test-only-stale-reads.")
    List<String> serverArgs = new ArrayList<>();

    @Mixin
    TlsFlags tls;

    /** The run's clients: the workload's, the status poller, the oversize fault's raw frames. */
    @Mixin
    ClientTlsFlags clientTls;

    @Option(names = "--check-timeout", defaultValue = "60s", converter = Durations.Converter.class,
            description = "The linearizability checker's time bound; past it the verdict is UNKNOWN.")
    Duration checkTimeout;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter outText = spec.commandLine().getOut();
        Set<Fault> kinds = "none".equals(faults) ? Set.of() : Faults.parseList(faults);
        Set<Workload> chosenWorkloads = Workload.parseList(workloads);
        ClientApi clientApi = ClientApi.parse(api);
        if (nodes < 1 || clients < 1 || keys < 2 || keys % 2 != 0) {
            throw new IllegalArgumentException("--nodes and --clients must be positive and --keys even and at least 2");
        }
        long runSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        Path directory = out != null ? out : Path.of(System.getProperty("java.io.tmpdir"), "tern-verify-" + runSeed);
        List<String> nodeArgs = new ArrayList<>(List.of("--log-roll-cycle", "TEST4_SECONDLY"));
        nodeArgs.addAll(tls.arguments());
        nodeArgs.addAll(serverArgs);
        VerifyConfig config = new VerifyConfig(nodes, endpoints, duration, kinds, runSeed, clients, keys, think,
                timeout, directory, fsync, snapshotEntries, nodeArgs, Timing.DEFAULT, checkTimeout,
                NodeLaunch.java(TernCli.class.getName(), System.getProperty("java.class.path")), chosenWorkloads,
                clientApi, clientTls.security());
        err.println("tern verify: seed " + runSeed + " (replay with --seed " + runSeed + "), results in " + directory);
        err.flush();
        VerifyReport report;
        try {
            report = new VerifyRun(config, line -> {
                err.println("tern verify: " + line);
                err.flush();
            }).run();
        } catch (ClusterException e) {
            err.println("tern verify: the cluster could not be started or reached: " + e.getMessage());
            err.flush();
            return ExitCodes.UNAVAILABLE;
        }
        outText.print(report.summary());
        if (!report.passed()) {
            outText.println("details: " + directory.resolve("explanation.txt") + ", plot: " + directory.resolve("history.html"));
        }
        outText.flush();
        return report.exitCode();
    }
}
