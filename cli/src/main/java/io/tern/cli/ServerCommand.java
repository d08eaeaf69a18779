package io.tern.cli;

import io.tern.client.protocol.ProtocolLimits;
import io.tern.engine.FsyncPolicy;
import io.tern.etcd.EtcdGateway;
import io.tern.platform.HostPort;
import io.tern.server.ForceNewCluster;
import io.tern.server.ServerConfig;
import io.tern.server.ServerStartException;
import io.tern.server.TernServer;
import io.tern.server.compaction.AutoCompaction;
import io.tern.server.metrics.MetricsEndpoint;
import io.tern.server.tls.TlsSettings;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import io.tern.server.auth.AuthSettings;
import io.tern.server.auth.PasswordHasher;
import java.time.Duration;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tern server}: runs one node until SIGTERM or Ctrl-C, then stops gracefully. */
@Command(name = "server", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
        description = {"Run a Tern node.",
                "With no flags: a durable single-member cluster, id 1, data in ./data, on 127.0.0.1:7379."},
        footer = {"", "Every flag can also come from a TERN_ environment variable: --heartbeat-ms from TERN_HEARTBEAT_MS, "
                + "--join from TERN_JOIN=true. A flag on the command line wins.",
                "", "Every flag but --config can also come from the --config file, one `key=value` line per flag, the key "
                + "being the flag without its dashes (heartbeat-ms=100); dist/tern.conf.sample lists them all. The command "
                + "line wins over the environment, which wins over the file, which wins over the defaults shown here.",
                "", "Exit status: 0 after a graceful stop, 2 on a bad flag, 1 when the node cannot start "
                + "(port in use, data directory of another member, corrupt log), 70 when a running node stops because "
                + "its storage failed (disk full, I/O error), after one line naming its data directory and the error."})
public final class ServerCommand implements Callable<Integer> {

    /** The largest --max-value-bytes: a PUT with a longest key and such a value still fits one frame. */
    static final int MAX_VALUE_BYTES_LIMIT = ProtocolLimits.MAX_FRAME_BODY_BYTES - ProtocolLimits.MAX_KEY_BYTES - 64;

    /** The exit status of a node whose storage (or one of its Raft threads) failed while it ran (EX_SOFTWARE). */
    public static final int EXIT_MEMBER_FAILED = 70;

    @Spec
    CommandSpec spec;

    @Option(names = ConfigFile.FLAG, paramLabel = "FILE", description = "Read flags from this file (Java properties: "
            + "heartbeat-ms=100 sets --heartbeat-ms); the command line and TERN_ variables win over it.")
    Path config; // read by FlagDefaults, which gives the flags the file sets as their defaults

    @Option(names = "--id", description = "This member's id (a positive integer).", defaultValue = "1")
    long id;

    @Option(names = "--data", description = "The data directory.", defaultValue = "data")
    Path data;

    @Option(names = "--cluster", paramLabel = "ID=HOST:PORT,...",
            description = {"Every initial member; this node's entry is the address it advertises (and listens on, "
                    + "unless --listen). Only bootstraps an empty data directory.",
                    "Default: ID=127.0.0.1:" + ServerConfig.DEFAULT_PORT + " for this node alone."})
    String cluster;

    @Option(names = "--join", description = "Start empty and wait for a leader that was told `member add` to bring "
            + "this node in; --cluster must name at least one current member.")
    boolean join;

    @Option(names = "--listen", paramLabel = "HOST:PORT",
            description = "The address to bind when it differs from the advertised one (behind a proxy or NAT).")
    String listen;

    @Option(names = "--etcd-listen", paramLabel = "HOST:PORT",
            description = "Also serve etcd's v3 gRPC API (KV, Watch, Lease, Cluster and Maintenance) on this "
                    + "address, over plaintext HTTP/2, for etcdctl, jetcd and the Go clientv3. Without it nothing more "
                    + "listens.")
    String etcdListen;

    @Option(names = "--metrics-listen", paramLabel = "HOST:PORT",
            description = "Serve GET /metrics (Prometheus' text format, etcd's metric names where the meaning is "
                    + "etcd's) and GET /health (200 while the member has a leader, a quorum and working storage, "
                    + "else 503 with the reason) on this address. Without it nothing more listens.")
    String metricsListen;

    @Option(names = "--log-level", paramLabel = "LEVEL", description = "TRACE, DEBUG, INFO, WARN or ERROR "
            + "(default: INFO, as the logging configuration sets it).")
    String logLevel;

    @Option(names = "--log-format", paramLabel = "text|json", description = "text: one line per event; json: one "
            + "JSON object per line (Logback's JsonEncoder), for log collectors (default: text).")
    String logFormat;

    @Option(names = "--heartbeat-ms", description = "Leader heartbeat interval.", defaultValue = "100")
    long heartbeatMs;

    @Option(names = "--election-timeout-ms", description = "Base election timeout T; each node waits a random time "
            + "in [T, 2T).", defaultValue = "1000")
    long electionTimeoutMs;

    @Option(names = "--fsync", paramLabel = "always|never", description = "always: acknowledge a write only after a "
            + "quorum fsynced it; never: leave flushing to the OS (survives a process crash, not a power loss).",
            defaultValue = "always")
    String fsync;

    @Option(names = "--snapshot-entries", description = "Snapshot and compact the log after this many applied entries.",
            defaultValue = "100000")
    long snapshotEntries;

    @Option(names = "--max-value-bytes", description = "Larger values are refused with TOO_LARGE.",
            defaultValue = "4194304")
    int maxValueBytes;

    @Option(names = "--forward", arity = "1", paramLabel = "true|false", description = "A follower hands writes to the "
            + "leader over the members' channel and answers once it applied them, serves linearizable reads "
            + "itself after asking the leader for a read index, and relays what only the leader serves (leases, "
            + "admin requests); with false it answers NOT_LEADER with the leader's address to all of them.",
            defaultValue = "true")
    boolean forward;

    @Option(names = "--request-timeout-ms", description = "How long a request may wait for replication before it is "
            + "answered TIMEOUT.", defaultValue = "5000")
    long requestTimeoutMs;

    @Option(names = "--max-connections", description = "Client connections beyond this are refused.",
            defaultValue = "10000")
    int maxConnections;

    @Option(names = "--stall-timeout-ms", description = "A connection that stops mid-frame, or leaves its answers "
            + "unread, this long is closed.", defaultValue = "10000")
    long stallTimeoutMs;

    @Option(names = "--max-pending-output-bytes", description = "A connection whose unread answers pass this is "
            + "closed.", defaultValue = "67108864")
    long maxPendingOutputBytes;

    @Option(names = "--cluster-id", description = "The cluster's name; by default derived from --cluster, or asked "
            + "of a current member with --join.")
    String clusterId;

    @Option(names = "--disk-reserve-bytes", description = "Below this much free space in the data directory the "
            + "member raises a NOSPACE alarm and the cluster refuses new writes with NO_SPACE (deletes and reads go "
            + "on) until there is room again; 0 never raises it.", defaultValue = "" + ServerConfig.DEFAULT_DISK_RESERVE_BYTES)
    long diskReserveBytes;

    @Option(names = "--disk-check-interval-ms", hidden = true, description = "How often the data directory's free "
            + "space is checked.", defaultValue = "1000")
    long diskCheckIntervalMs;

    @Option(names = "--watch-progress-interval-ms", description = "How often a watch that asked for progress "
            + "notifications is told the revision it has seen everything up to.", defaultValue = "600000")
    long watchProgressIntervalMs;

    @Option(names = "--auth-token-ttl", description = "How long, in seconds, a token from authenticating stays "
            + "valid (as etcd's --auth-token-ttl).", defaultValue = "300")
    long authTokenTtlSeconds;

    @Option(names = "--auth-bcrypt-cost", hidden = true, description = "The cost of users' password hashes "
            + "(2^cost rounds of bcrypt); tests lower it to 4.", defaultValue = "" + PasswordHasher.DEFAULT_COST)
    int authBcryptCost;

    @Option(names = "--auto-compaction-mode", paramLabel = "periodic|revision", description = "How "
            + "--auto-compaction-retention is read, as etcd: periodic keeps that long of history, revision that many "
            + "revisions (Raft log indexes, so at most that many writes).", defaultValue = AutoCompaction.DEFAULT_MODE)
    String autoCompactionMode;

    @Option(names = "--auto-compaction-retention", description = "The history the leader keeps before compacting the "
            + "rest by itself: a duration such as 1h, 30m or 90s, or a number of hours (periodic mode), or a number "
            + "of revisions (revision mode); 0 turns automatic compaction off.",
            defaultValue = AutoCompaction.DEFAULT_RETENTION)
    String autoCompactionRetention;

    @Option(names = "--force-new-cluster", description = "Make this surviving member a new one-member cluster that "
            + "keeps its data (after the loss of a quorum), with a new cluster id (--cluster-id, else a random one) so "
            + "that the old members are refused; grow it again with 'tern member add'. Use it for one start only.")
    boolean forceNewCluster;

    @Option(names = "--log-roll-cycle", hidden = true, description = "The log's file roll cycle, a Chronicle "
            + "RollCycles name; short ones (TEST4_SECONDLY) let tests see compaction and InstallSnapshot quickly.")
    String logRollCycle;

    @Option(names = "--test-only-stale-reads", hidden = true, description = "BROKEN ON PURPOSE, for testing "
            + "checkers: serve LINEARIZABLE reads from this node's own state without ReadIndex.")
    boolean staleReadsForTesting;

    @Option(names = "--verbose", description = "Print stack traces with errors.")
    boolean verbose;

    @Mixin
    TlsFlags tlsFlags;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        ServerConfig config;
        InetSocketAddress etcdAddress;
        InetSocketAddress metricsAddress;
        TlsSettings tls;
        try {
            config = config();
            tls = tlsFlags.settings();
            etcdAddress = etcdListen == null ? null : address(etcdListen, "--etcd-listen");
            metricsAddress = metricsListen == null ? null : address(metricsListen, "--metrics-listen");
            LogSetup.apply(logLevel == null ? null : LogSetup.level(logLevel),
                    logFormat == null ? null : LogSetup.format(logFormat));
        } catch (IllegalArgumentException e) {
            err.println("tern server: " + FlagDefaults.explain(spec.commandLine(), e.getMessage()));
            err.flush();
            return 2;
        }
        // Signals are taken before the server starts: one that arrives while it starts (its port may
        // already be bound) stops it gracefully once it is up, instead of killing a half-started JVM.
        PendingStop stop = new PendingStop();
        stopOnSignal("TERM", stop);
        stopOnSignal("INT", stop);
        TernServer server;
        try {
            if (forceNewCluster) {
                ForceNewCluster.apply(config);
            }
            server = TernServer.start(config, tls, (line, cause) -> exitAfterMemberFailure(err, cause));
        } catch (ServerStartException e) {
            return cannotStart(err, e);
        }
        EtcdGateway etcd;
        try {
            etcd = etcdAddress == null ? null : EtcdGateway.start(server, etcdAddress);
        } catch (ServerStartException e) {
            server.close();
            return cannotStart(err, e);
        }
        MetricsEndpoint metrics;
        try {
            metrics = metricsAddress == null ? null : server.serveMetrics(metricsAddress);
        } catch (ServerStartException e) {
            if (etcd != null) {
                etcd.close();
            }
            server.close();
            return cannotStart(err, e);
        }
        // The etcd API stops first: the member serves its calls and must still be there.
        Runnable close = () -> {
            if (metrics != null) {
                metrics.close();
            }
            if (etcd != null) {
                etcd.close();
            }
            server.close();
        };
        Thread hook = Thread.ofPlatform().name("tern-shutdown").unstarted(close);
        Runtime.getRuntime().addShutdownHook(hook);
        stop.started(close);
        try {
            server.awaitTermination();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close.run();
        }
        return 0;
    }

    private int cannotStart(PrintWriter err, ServerStartException e) {
        err.println("tern server: " + FlagDefaults.explain(spec.commandLine(), e.getMessage()));
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return 1;
    }

    /** A stop asked for by a signal, carried out as soon as there is a started server to stop. */
    private static final class PendingStop {
        private Runnable close;
        private boolean requested;

        synchronized void started(Runnable closeServer) {
            close = closeServer;
            if (requested) {
                Thread.ofPlatform().name("tern-stop").start(closeServer);
            }
        }

        synchronized void request(String signal) {
            requested = true;
            if (close != null) {
                Thread.ofPlatform().name("tern-stop-" + signal).start(close);
            }
        }
    }

    /**
     * The member has stopped and logged one line naming its data directory and the error: the process
     * exits at once so that a supervisor restarts it, rather than linger answering PING with a member
     * that can never write again. No graceful close: it would flush into the storage that just failed
     * (a mapped write on a full disk can crash the JVM before it exits), and it has nothing to save,
     * since everything acknowledged is already durable, as after kill -9.
     */
    private void exitAfterMemberFailure(PrintWriter err, Throwable cause) {
        if (verbose) {
            cause.printStackTrace(err);
            err.flush();
        }
        System.err.flush();
        Runtime.getRuntime().halt(EXIT_MEMBER_FAILED);
    }

    /**
     * Stops the server on {@code signal} and lets {@code call} return 0. Without this the JVM would
     * still stop gracefully through the shutdown hook, but exit with 128 + the signal number, and a
     * supervisor would take a clean stop for a crash.
     */
    @SuppressWarnings("removal")
    private static void stopOnSignal(String signal, PendingStop stop) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), received -> stop.request(signal));
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // The platform reserves the signal; the shutdown hook still stops the server.
        }
    }

    /** The flags as a validated {@link ServerConfig}. */
    ServerConfig config() {
        require(id >= 1, "--id must be a positive integer, was " + id);
        SortedMap<Long, String> members = cluster == null
                ? new TreeMap<>(java.util.Map.of(id, "127.0.0.1:" + ServerConfig.DEFAULT_PORT))
                : parseCluster(cluster);
        require(members.containsKey(id), "--cluster does not name this node's --id " + id);
        InetSocketAddress bind = listen == null ? address(members.get(id), "--cluster entry " + id)
                : address(listen, "--listen");
        require(heartbeatMs >= 1, "--heartbeat-ms must be at least 1, was " + heartbeatMs);
        require(electionTimeoutMs >= 2 * heartbeatMs, "--election-timeout-ms (" + electionTimeoutMs
                + ") must be at least twice --heartbeat-ms (" + heartbeatMs + ")");
        FsyncPolicy policy;
        try {
            policy = FsyncPolicy.parse(fsync);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--fsync must be always or never, was '" + fsync + "'");
        }
        require(snapshotEntries >= 1, "--snapshot-entries must be at least 1, was " + snapshotEntries);
        require(maxValueBytes >= 1 && maxValueBytes <= MAX_VALUE_BYTES_LIMIT, "--max-value-bytes must be between 1 and "
                + MAX_VALUE_BYTES_LIMIT + " (a value must fit one frame), was " + maxValueBytes);
        require(requestTimeoutMs >= 1, "--request-timeout-ms must be at least 1, was " + requestTimeoutMs);
        require(maxConnections >= 1, "--max-connections must be at least 1, was " + maxConnections);
        require(stallTimeoutMs >= 1, "--stall-timeout-ms must be at least 1, was " + stallTimeoutMs);
        require(maxPendingOutputBytes >= 1024 * 1024, "--max-pending-output-bytes must be at least 1048576, was "
                + maxPendingOutputBytes);
        require(clusterId == null || !clusterId.isBlank(), "--cluster-id must not be blank");
        require(!(forceNewCluster && join), "--force-new-cluster keeps this member's data and --join starts empty: "
                + "use one or the other");
        require(diskReserveBytes >= 0, "--disk-reserve-bytes must be 0 or more, was " + diskReserveBytes);
        require(diskCheckIntervalMs >= 1, "--disk-check-interval-ms must be at least 1, was " + diskCheckIntervalMs);
        require(watchProgressIntervalMs >= 1, "--watch-progress-interval-ms must be at least 1, was "
                + watchProgressIntervalMs);
        require(authTokenTtlSeconds >= 1, "--auth-token-ttl must be at least 1 second, was " + authTokenTtlSeconds);
        require(authBcryptCost >= PasswordHasher.MIN_COST && authBcryptCost <= 31, "--auth-bcrypt-cost must be in "
                + PasswordHasher.MIN_COST + "..31, was " + authBcryptCost);
        AutoCompaction autoCompaction = AutoCompaction.parse(autoCompactionMode, autoCompactionRetention);
        if (logRollCycle != null) {
            io.tern.engine.log.LogConfig.rollCycleNamed(logRollCycle); // refuses an unknown name in one line
        }
        return new ServerConfig(id, data, members, bind, join, Duration.ofMillis(heartbeatMs),
                Duration.ofMillis(electionTimeoutMs), policy, snapshotEntries, maxValueBytes, forward,
                Duration.ofMillis(requestTimeoutMs), maxConnections, Duration.ofMillis(stallTimeoutMs),
                maxPendingOutputBytes, clusterId, logRollCycle, staleReadsForTesting, diskReserveBytes,
                Duration.ofMillis(diskCheckIntervalMs), Duration.ofMillis(watchProgressIntervalMs), autoCompaction)
                .withAuth(new AuthSettings(Duration.ofSeconds(authTokenTtlSeconds), authBcryptCost));
    }

    static SortedMap<Long, String> parseCluster(String text) {
        SortedMap<Long, String> members = new TreeMap<>();
        for (String entry : text.split(",", -1)) {
            String trimmed = entry.trim();
            int equals = trimmed.indexOf('=');
            require(equals > 0, "--cluster entries must be ID=HOST:PORT, got '" + trimmed + "'");
            long memberId;
            try {
                memberId = Long.parseLong(trimmed.substring(0, equals));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--cluster entry '" + trimmed + "' has a member id that is not a number");
            }
            require(memberId >= 1, "--cluster entry '" + trimmed + "' has a member id below 1");
            String address = trimmed.substring(equals + 1);
            address(address, "--cluster entry " + memberId);
            require(!members.containsKey(memberId), "--cluster names member " + memberId + " twice");
            require(!members.containsValue(address), "--cluster gives address " + address + " to two members");
            members.put(memberId, address);
        }
        return members;
    }

    static InetSocketAddress address(String hostPort, String what) {
        return HostPort.parse(hostPort, what).resolved();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
