package io.tern.verify.cluster;

import io.tern.platform.ListenPorts;
import io.tern.chaos.FaultProxy;
import io.tern.platform.TmpfsMount;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * A cluster of Tern nodes, each a child JVM running {@code tern server} with this JVM's java binary,
 * classpath and flags (as {@code tern cluster} starts them, not through {@code bin/tern}, so it works
 * from inside any command), each behind its own {@link FaultProxy}. Node i binds
 * {@code --listen 127.0.0.1:Li} and advertises its proxy's address in {@code --cluster}, so every
 * byte to node i, from peers and clients alike, passes through {@link #proxy(int)}.
 *
 * <p>Node i keeps its data in {@code DIR/node-i} and writes its stdout and stderr to
 * {@code DIR/node-i.log}, appended across restarts with a header line per start.
 *
 * <p>STATUS and admin calls go to a node's listen port directly, past its proxy: what this class
 * observes is the truth, not what a partition lets through.
 *
 * <p>Every process this object started and did not mean to stop is watched: one that exits on its
 * own is a crash, reported by {@link #exitedUnexpectedly()} even after it was restarted. Every wait
 * polls against a deadline. {@link #close()} (or the JVM's exit) kills every node.
 */
public final class LocalCluster extends ProtocolCluster {

    /** How long a node may take to exit after SIGTERM before it is killed. */
    static final Duration STOP_GRACE = Duration.ofSeconds(20);
    static final Duration EXIT_WAIT = Duration.ofSeconds(15);
    static final Duration SIGNAL_WAIT = Duration.ofSeconds(5);
    static final String MAIN_CLASS = "io.tern.cli.TernCli";

    /** How to start a {@link LocalCluster}; every setter returns this. */
    public static final class Options {
        private int nodes = 3;
        private String fsync = "always";
        private int heartbeatMs = 50;
        private int electionTimeoutMs = 500;
        private long snapshotEntries = 2_000;
        private List<String> extraServerArgs = List.of();
        private long proxySeed = System.nanoTime();
        private int heapMb = 256;
        private List<String> jvmArgs;
        private Duration startTimeout = Duration.ofSeconds(90);
        private long diskBytes;
        private long diskReserveBytes;

        /** How many nodes to start (ids 1..n). Default 3. */
        public Options nodes(int nodes) {
            if (nodes < 1) {
                throw new IllegalArgumentException("nodes must be at least 1: " + nodes);
            }
            this.nodes = nodes;
            return this;
        }

        /** {@code --fsync}: always or never. Default always. */
        public Options fsync(String fsync) {
            if (!fsync.equals("always") && !fsync.equals("never")) {
                throw new IllegalArgumentException("fsync must be always or never: " + fsync);
            }
            this.fsync = fsync;
            return this;
        }

        /** {@code --heartbeat-ms}. Default 50 (fast elections for a torture test). */
        public Options heartbeatMs(int millis) {
            this.heartbeatMs = millis;
            return this;
        }

        /** {@code --election-timeout-ms}. Default 500. */
        public Options electionTimeoutMs(int millis) {
            this.electionTimeoutMs = millis;
            return this;
        }

        /** {@code --snapshot-entries}. Default 2000: small, so compaction and InstallSnapshot happen. */
        public Options snapshotEntries(long entries) {
            this.snapshotEntries = entries;
            return this;
        }

        /** Appended to every node's {@code tern server} command line (a test-only mode, say). */
        public Options extraServerArgs(List<String> args) {
            this.extraServerArgs = List.copyOf(args);
            return this;
        }

        /** The proxy of node i draws its jitter from a {@link java.util.Random} seeded with {@code seed + i}. */
        public Options proxySeed(long seed) {
            this.proxySeed = seed;
            return this;
        }

        /** Heap of each node, in MiB. Default 256. */
        public Options heapMb(int megabytes) {
            this.heapMb = megabytes;
            return this;
        }

        /**
         * The JVM flags of each node before the heap and GC flags this class adds. Default
         * {@link #defaultJvmArgs()}: this JVM's (the test JVM's {@code tern.test.jvmArgs} in tests).
         */
        public Options jvmArgs(List<String> args) {
            this.jvmArgs = List.copyOf(args);
            return this;
        }

        /**
         * Puts each node's data directory on a tmpfs of {@code bytes} of its own (mounting needs root)
         * and starts the nodes with {@code --disk-reserve-bytes reserveBytes}, so that
         * {@link LocalCluster#fillDisk} can fill one. Default: the nodes share the host's disk.
         */
        public Options smallDisks(long bytes, long reserveBytes) {
            if (bytes <= reserveBytes || reserveBytes < 0) {
                throw new IllegalArgumentException("a small disk of " + bytes + " bytes cannot keep a reserve of "
                        + reserveBytes);
            }
            this.diskBytes = bytes;
            this.diskReserveBytes = reserveBytes;
            return this;
        }

        /** How long {@link #start} may take until a leader is elected. Default 90 s. */
        public Options startTimeout(Duration timeout) {
            this.startTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        public int nodes() {
            return nodes;
        }

        public long proxySeed() {
            return proxySeed;
        }

        public List<String> extraServerArgs() {
            return extraServerArgs;
        }
    }

    /** A node's process that exited without this cluster killing or stopping it. */
    public record UnexpectedExit(int id, int start, long pid, int exitCode, Instant at) {
    }

    /** One start of a node: its process and whether we meant it to exit. */
    private record Run(Process process, int start, AtomicBoolean expected) {
        void expectExit() {
            expected.set(true);
        }

        boolean exitExpected() {
            return expected.get();
        }
    }

    /** One member, its proxy and its current process. Guarded by the cluster's lock. */
    private static final class Node {
        final int id;
        final int listenPort;
        final FaultProxy proxy;
        final String advertised;
        /** The {@code --cluster} list it is started with (only an empty data directory reads it). */
        String bootstrap;
        /** Started with {@code --join} and not yet seen in a configuration: restarts need {@code --join} too. */
        boolean needsJoin;
        boolean removed;
        boolean paused;
        Run run;
        int starts;
        /** The node's own small disk, mounted on its data directory before its first start; null without. */
        TmpfsMount disk;

        Node(int id, int listenPort, FaultProxy proxy, String bootstrap, boolean needsJoin) {
            this.id = id;
            this.listenPort = listenPort;
            this.proxy = proxy;
            this.advertised = hostPort(proxy.localAddress());
            this.bootstrap = bootstrap;
            this.needsJoin = needsJoin;
        }
    }

    private final Path dir;
    private final Options options;
    private final List<String> javaCommand;
    private final Map<Integer, Node> nodes = new TreeMap<>();
    private final List<UnexpectedExit> unexpected = new CopyOnWriteArrayList<>();
    private final Thread killOnExit = new Thread(() -> {
        killAll();
        unmountAll();
    }, "tern-verify-cluster-kill");
    private int nextId;
    private volatile boolean closed;

    private LocalCluster(Path dir, Options options, Map<Integer, Node> initial) {
        super("127.0.0.1:" + initial.values().iterator().next().listenPort);
        this.dir = dir;
        this.options = options;
        this.javaCommand = javaCommand(options);
        this.nodes.putAll(initial);
        this.nextId = options.nodes + 1;
    }

    /**
     * Starts {@code options.nodes()} nodes with data and logs under {@code dir} and waits until they
     * have elected a leader.
     *
     * @throws ClusterException if no leader is elected within the start timeout (every node is killed then)
     */
    public static LocalCluster start(Path dir, Options options) {
        Map<Integer, Node> initial = new TreeMap<>();
        try {
            for (int id = 1; id <= options.nodes; id++) {
                int port = ListenPorts.pick();
                FaultProxy proxy = FaultProxy.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), port), options.proxySeed + id);
                initial.put(id, new Node(id, port, proxy, null, false));
            }
        } catch (RuntimeException e) {
            initial.values().forEach(n -> n.proxy.close());
            throw e;
        }
        String bootstrap = initial.values().stream().map(n -> n.id + "=" + n.advertised)
                .collect(Collectors.joining(","));
        initial.values().forEach(n -> n.bootstrap = bootstrap);
        LocalCluster cluster = new LocalCluster(dir, options, initial);
        try {
            Runtime.getRuntime().addShutdownHook(cluster.killOnExit);
            Files.createDirectories(dir);
            for (int id : cluster.nodeIds()) {
                cluster.launch(id);
            }
            cluster.awaitLeader(options.startTimeout);
            return cluster;
        } catch (IOException e) {
            cluster.close();
            throw new UncheckedIOException("cannot create " + dir, e);
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    // ---- what a ClusterControl is ----

    @Override
    public boolean controlsProcesses() {
        return true;
    }

    @Override
    public boolean controlsNetwork() {
        return true;
    }

    @Override
    public synchronized List<Integer> nodeIds() {
        return nodes.values().stream().filter(n -> !n.removed).map(n -> n.id).toList();
    }

    /** Every node ever started here, removed ones included. */
    public synchronized List<Integer> allNodeIds() {
        return List.copyOf(nodes.keySet());
    }

    /** What {@code --max-value-bytes} among the extra server arguments says, else the default. */
    @Override
    public int maxValueBytes() {
        List<String> args = options.extraServerArgs;
        int value = DEFAULT_MAX_VALUE_BYTES;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--max-value-bytes") && i + 1 < args.size()) {
                value = Integer.parseInt(args.get(i + 1));
            } else if (arg.startsWith("--max-value-bytes=")) {
                value = Integer.parseInt(arg.substring("--max-value-bytes=".length()));
            }
        }
        return value;
    }

    @Override
    public String endpoint(int id) {
        return node(id).advertised;
    }

    /** The address node {@code id} binds, behind its proxy. */
    public String listenAddress(int id) {
        return "127.0.0.1:" + node(id).listenPort;
    }

    @Override
    String adminAddress(int id) {
        return listenAddress(id);
    }

    @Override
    public FaultProxy proxy(int id) {
        return node(id).proxy;
    }

    public Path directory() {
        return dir;
    }

    public Path dataDirectory(int id) {
        return dir.resolve("node-" + node(id).id);
    }

    public Path logFile(int id) {
        return dir.resolve("node-" + node(id).id + ".log");
    }

    /** The options the cluster was started with. */
    public Options options() {
        return options;
    }

    @Override
    public boolean isRunning(int id) {
        Run run = run(id);
        return run != null && run.process().isAlive();
    }

    @Override
    public synchronized boolean isPaused(int id) {
        return node(id).paused;
    }

    /** The pid of node {@code id}'s current process. */
    public long pid(int id) {
        Run run = run(id);
        if (run == null) {
            throw new IllegalStateException("node " + id + " was never started");
        }
        return run.process().pid();
    }

    @Override
    public List<Integer> exitedUnexpectedly() {
        return unexpected.stream().map(UnexpectedExit::id).distinct().sorted().toList();
    }

    /** Every crash seen so far, in order. */
    public List<UnexpectedExit> unexpectedExits() {
        return List.copyOf(unexpected);
    }

    // ---- process faults ----

    @Override
    public void kill9(int... ids) {
        List<Run> killed = new ArrayList<>();
        for (int id : ids) {
            Run run = run(id);
            if (run != null && run.process().isAlive()) {
                run.expectExit();
                run.process().toHandle().destroyForcibly();
                killed.add(run);
            }
            synchronized (this) {
                node(id).paused = false;
            }
        }
        for (Run run : killed) {
            awaitExit(run, EXIT_WAIT, "after SIGKILL");
        }
    }

    @Override
    public void pause(int id) {
        Run run = requireRunning(id);
        signal(run, "STOP");
        synchronized (this) {
            node(id).paused = true;
        }
        Await.until("node " + id + " to be stopped by SIGSTOP", SIGNAL_WAIT,
                () -> !run.process().isAlive() || ProcessStates.isStopped(run.process().pid())
                        || ProcessStates.unknown(run.process().pid()));
    }

    @Override
    public void resume(int id) {
        Run run = run(id);
        synchronized (this) {
            node(id).paused = false;
        }
        if (run == null || !run.process().isAlive()) {
            return;
        }
        signal(run, "CONT");
        Await.until("node " + id + " to run again after SIGCONT", SIGNAL_WAIT,
                () -> !run.process().isAlive() || !ProcessStates.isStopped(run.process().pid()));
    }

    @Override
    public int stop(int id) {
        Run run = run(id);
        if (run == null) {
            throw new IllegalStateException("node " + id + " was never started");
        }
        if (isPaused(id)) {
            resume(id); // a stopped process would not handle SIGTERM until continued
        }
        run.expectExit();
        run.process().toHandle().destroy();
        try {
            if (!run.process().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                run.process().toHandle().destroyForcibly();
                awaitExit(run, EXIT_WAIT, "after SIGKILL that followed an ignored SIGTERM");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted while stopping node " + id, e);
        }
        return run.process().exitValue();
    }

    @Override
    public void restart(int id) {
        if (isRunning(id)) {
            throw new IllegalStateException("node " + id + " is still running");
        }
        launch(id);
    }

    // ---- disks ----

    @Override
    public boolean hasSmallDisks() {
        return options.diskBytes > 0;
    }

    @Override
    public String fillDisk(int id, boolean completely) {
        TmpfsMount disk;
        synchronized (this) {
            disk = node(id).disk;
            if (disk == null) {
                throw new IllegalStateException("node " + id + " has no small disk of its own");
            }
            if (completely && node(id).run != null) {
                node(id).run.expectExit(); // a member whose disk is full exits: that is the point
            }
        }
        try {
            long written = disk.fill(ballast(id), completely ? 0 : options.diskReserveBytes / 2);
            return "a ballast of " + megabytes(written) + " leaves " + megabytes(disk.usableBytes()) + " of "
                    + megabytes(options.diskBytes) + " free (reserve " + megabytes(options.diskReserveBytes) + ")";
        } catch (IOException e) {
            throw new ClusterException("cannot fill node " + id + "'s disk: " + e.getMessage(), e);
        }
    }

    @Override
    public void freeDisks() {
        for (int id : allNodeIds()) {
            try {
                Files.deleteIfExists(ballast(id));
            } catch (IOException e) {
                throw new ClusterException("cannot delete the ballast on node " + id + "'s disk: " + e.getMessage(), e);
            }
        }
    }

    private Path ballast(int id) {
        return dataDirectory(id).resolve("disk-full.ballast");
    }

    private static String megabytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
    }

    private void unmountAll() {
        List<TmpfsMount> disks = new ArrayList<>();
        synchronized (this) {
            for (Node node : nodes.values()) {
                if (node.disk != null) {
                    disks.add(node.disk);
                }
            }
        }
        for (TmpfsMount disk : disks) {
            try {
                disk.close();
            } catch (IOException e) {
                System.err.println("tern verify: cannot unmount " + disk.directory() + ": " + e.getMessage());
            }
        }
    }

    // ---- membership ----

    @Override
    public int addNode() {
        int id;
        Node node;
        synchronized (this) {
            id = nextId++;
            int port = ListenPorts.pick();
            FaultProxy proxy = FaultProxy.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), port), options.proxySeed + id);
            String members = nodes.values().stream().filter(n -> !n.removed).map(n -> n.id + "=" + n.advertised)
                    .collect(Collectors.joining(","));
            node = new Node(id, port, proxy, members + "," + id + "=" + hostPort(proxy.localAddress()), true);
            nodes.put(id, node);
        }
        try {
            launch(id);
            Await.value("new node " + id + " to answer STATUS", MEMBERSHIP_TIMEOUT, () -> status(id));
            addMember(id, node.advertised);
            synchronized (this) {
                node.needsJoin = false;
            }
            return id;
        } catch (RuntimeException e) {
            try {
                removeMember(id);
            } catch (RuntimeException ignored) {
                // Best effort: the failure that matters is the one thrown below.
            }
            if (isRunning(id)) {
                stop(id);
            }
            synchronized (this) {
                node.removed = true;
            }
            throw e;
        }
    }

    @Override
    public void removeNode(int id) {
        node(id);
        removeMember(id);
        synchronized (this) {
            node(id).removed = true;
        }
        if (isRunning(id)) {
            stop(id);
        }
    }

    @Override
    public void rejoinNode(int id) {
        Node node = node(id);
        if (!isRunning(id)) {
            launch(id);
        }
        Await.value("node " + id + " to answer STATUS", MEMBERSHIP_TIMEOUT, () -> status(id));
        addMember(id, node.advertised);
        synchronized (this) {
            node.removed = false;
        }
    }

    // ---- diagnosis ----

    /** The last {@code lines} lines of node {@code id}'s log (every start). */
    public String logTail(int id, int lines) {
        Path file = logFile(id);
        if (!Files.exists(file)) {
            return "(no log)";
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            long from = Math.max(0, length - 64 * 1024);
            byte[] bytes = new byte[(int) (length - from)];
            in.seek(from);
            in.readFully(bytes);
            List<String> all = List.of(new String(bytes, StandardCharsets.UTF_8).split("\n"));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** Each node's process state, proxy and log tail, for a failure message. */
    @Override
    public String describe() {
        StringBuilder out = new StringBuilder("\n---- local cluster in ").append(dir).append(" ----");
        for (int id : allNodeIds()) {
            Node node = node(id);
            Run run = run(id);
            out.append("\n== node ").append(id).append(" (").append(node.advertised).append(" -> :")
                    .append(node.listenPort).append(node.removed ? ", removed" : "").append(") ");
            if (run == null) {
                out.append("never started");
            } else if (run.process().isAlive()) {
                out.append(isPaused(id) ? "paused" : "running").append(", pid ").append(run.process().pid())
                        .append(", start #").append(run.start());
            } else {
                out.append("exited with ").append(run.process().exitValue()).append(", start #").append(run.start());
            }
            out.append(", ").append(node.proxy).append(" ==\n").append(logTail(id, 20));
        }
        if (!unexpected.isEmpty()) {
            out.append("\n== unexpected exits: ").append(unexpected);
        }
        return out.toString();
    }

    /** Kills every node (SIGKILL: the run is over), then closes the proxies and clients. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        killAll();
        unmountAll();
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs or is about to.
        }
        List<Node> all;
        synchronized (this) {
            all = List.copyOf(nodes.values());
        }
        for (Node node : all) {
            node.proxy.close();
        }
        super.close();
    }

    // ---- the command line ----

    /** This JVM's flags as {@code tern cluster} passes them on, or those the tests give forked JVMs. */
    public static List<String> defaultJvmArgs() {
        String testFlags = System.getProperty("tern.test.jvmArgs");
        List<String> flags = testFlags != null && !testFlags.isBlank()
                ? Arrays.asList(testFlags.trim().split("\\s+"))
                : ManagementFactory.getRuntimeMXBean().getInputArguments();
        return flags.stream().filter(LocalCluster::inheritable).toList();
    }

    /**
     * Whether a flag of this JVM suits a node: not a debugger or agent (every node would open the
     * same port or file), and not a heap or GC choice (the node gets its own).
     */
    static boolean inheritable(String flag) {
        return !(flag.startsWith("-agentlib:") || flag.startsWith("-Xrunjdwp") || flag.startsWith("-javaagent:")
                || flag.startsWith("-Xmx") || flag.startsWith("-Xms") || flag.matches("-XX:[+-]Use\\w*GC")
                || flag.startsWith("-XX:TieredStopAtLevel"));
    }

    private static List<String> javaCommand(Options options) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(options.jvmArgs != null ? options.jvmArgs : defaultJvmArgs());
        command.addAll(List.of("-Xmx" + options.heapMb + "m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), MAIN_CLASS));
        return command;
    }

    /** The {@code tern server} arguments of a node. */
    static List<String> serverArgs(Options options, int id, Path data, String cluster, int listenPort, boolean join) {
        List<String> args = new ArrayList<>(List.of("server",
                "--id", Integer.toString(id),
                "--data", data.toString(),
                "--cluster", cluster,
                "--listen", "127.0.0.1:" + listenPort,
                "--fsync", options.fsync,
                "--heartbeat-ms", Integer.toString(options.heartbeatMs),
                "--election-timeout-ms", Integer.toString(options.electionTimeoutMs),
                "--snapshot-entries", Long.toString(options.snapshotEntries)));
        if (join) {
            args.add("--join");
        }
        if (options.diskBytes > 0) {
            args.addAll(List.of("--disk-reserve-bytes", Long.toString(options.diskReserveBytes),
                    "--disk-check-interval-ms", "200"));
        }
        args.addAll(options.extraServerArgs);
        return args;
    }

    // ---- internals ----

    private void launch(int id) {
        if (closed) {
            throw new IllegalStateException("the cluster is closed");
        }
        Node node;
        List<String> command = new ArrayList<>(javaCommand);
        int start;
        synchronized (this) {
            node = node(id);
            if (options.diskBytes > 0 && node.disk == null) {
                try {
                    node.disk = TmpfsMount.mount(dataDirectory(id), options.diskBytes);
                } catch (IOException e) {
                    throw new ClusterException("cannot give node " + id + " a small disk: " + e.getMessage(), e);
                }
            }
            command.addAll(serverArgs(options, id, dataDirectory(id), node.bootstrap, node.listenPort, node.needsJoin));
            start = ++node.starts;
            node.paused = false;
        }
        Path log = logFile(id);
        try {
            Files.writeString(log, "==== start #" + start + " of node " + id + " at " + Instant.now() + ": "
                    + String.join(" ", command) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Process process = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            Run run = new Run(process, start, new AtomicBoolean());
            synchronized (this) {
                node.run = run;
            }
            process.onExit().thenAccept(exited -> {
                if (!run.exitExpected() && !closed) {
                    unexpected.add(new UnexpectedExit(id, start, exited.pid(), exited.exitValue(), Instant.now()));
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + id, e);
        }
    }

    private void killAll() {
        List<Run> runs = new ArrayList<>();
        synchronized (this) {
            for (Node node : nodes.values()) {
                if (node.run != null) {
                    runs.add(node.run);
                }
            }
        }
        for (Run run : runs) {
            run.expectExit();
            run.process().toHandle().destroyForcibly();
        }
        for (Run run : runs) {
            try {
                run.process().waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void signal(Run run, String signal) {
        if (!run.process().isAlive()) {
            throw new ClusterException("process " + run.process().pid() + " is not running");
        }
        try {
            // ProcessHandle sends only SIGTERM and SIGKILL.
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(run.process().pid()))
                    .redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!kill.waitFor(SIGNAL_WAIT.toMillis(), TimeUnit.MILLISECONDS) || kill.exitValue() != 0) {
                throw new ClusterException("kill -" + signal + " " + run.process().pid() + " failed: " + output);
            }
        } catch (IOException e) {
            throw new ClusterException("cannot run kill -" + signal + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted", e);
        }
    }

    private static void awaitExit(Run run, Duration timeout, String why) {
        try {
            if (!run.process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ClusterException("process " + run.process().pid() + " did not exit " + why + " within "
                        + timeout.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted", e);
        }
    }

    private Run requireRunning(int id) {
        Run run = run(id);
        if (run == null || !run.process().isAlive()) {
            throw new IllegalStateException("node " + id + " is not running");
        }
        return run;
    }

    private synchronized Run run(int id) {
        return node(id).run;
    }

    private synchronized Node node(int id) {
        Node node = nodes.get(id);
        if (node == null) {
            throw new IllegalArgumentException("no node " + id + "; nodes " + nodes.keySet());
        }
        return node;
    }

    private static String hostPort(InetSocketAddress address) {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }
}
