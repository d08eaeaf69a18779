package io.tern.verify.cluster;

import io.tern.verify.api.ClientSecurity;
import io.tern.chaos.FaultProxy;
import io.tern.client.ServerStatus;
import io.tern.client.TernClient;
import io.tern.platform.ListenPorts;
import io.tern.platform.TmpfsMount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * A cluster of Tern nodes, each a child process ({@link NodeProcess}) running {@code tern server} as
 * its {@link NodeLaunch} says (by default the {@code tern} main class on this JVM's classpath, with
 * this JVM's flags), each behind its own {@link FaultProxy} unless told otherwise. With proxies, node
 * i binds {@code --listen 127.0.0.1:Li} and advertises its proxy's address in {@code --cluster}, so
 * every byte to node i, from peers and clients alike, passes through {@link #proxy(int)}. With
 * {@link Config#etcdApi}, node i also serves etcd's API ({@code --etcd-listen 127.0.0.1:Ei}) behind a
 * second route of the same proxy, so network faults hit its etcd clients as they hit native ones. This
 * class keeps the ids, the proxies, the small disks and the membership; each node's process is its own.
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

    /** How to start a {@link LocalCluster}; every setter returns this. */
    public static final class Config {
        private int nodes = 3;
        private String fsync = "always";
        private int heartbeatMs = 50;
        private int electionTimeoutMs = 500;
        /** Null: the flag is not passed, the server's own default holds. */
        private Long snapshotEntries = 2_000L;
        private List<String> extraServerArgs = List.of();
        private long proxySeed = System.nanoTime();
        private int heapMb = 256;
        private List<String> jvmArgs;
        private Duration startTimeout = Duration.ofSeconds(90);
        private long diskBytes;
        private long diskReserveBytes;
        private boolean proxies = true;
        private boolean etcdApi;
        private ClientSecurity clientSecurity = ClientSecurity.PLAINTEXT;
        private NodeLaunch launch = NodeLaunch.ternCli();

        /** How many nodes to start (ids 1..n). Default 3. */
        /**
         * How this cluster's own clients and the run's reach the nodes: TLS when the nodes serve it
         * (their {@code --cert-file} and the rest come with {@link #extraServerArgs}).
         */
        public Config clientSecurity(ClientSecurity security) {
            this.clientSecurity = java.util.Objects.requireNonNull(security, "security");
            return this;
        }

        public Config nodes(int nodes) {
            if (nodes < 1) {
                throw new IllegalArgumentException("nodes must be at least 1: " + nodes);
            }
            this.nodes = nodes;
            return this;
        }

        /** {@code --fsync}: always or never. Default always. */
        public Config fsync(String fsync) {
            if (!fsync.equals("always") && !fsync.equals("never")) {
                throw new IllegalArgumentException("fsync must be always or never: " + fsync);
            }
            this.fsync = fsync;
            return this;
        }

        /** {@code --heartbeat-ms}. Default 50 (fast elections for a torture test). */
        public Config heartbeatMs(int millis) {
            this.heartbeatMs = millis;
            return this;
        }

        /** {@code --election-timeout-ms}. Default 500. */
        public Config electionTimeoutMs(int millis) {
            this.electionTimeoutMs = millis;
            return this;
        }

        /** {@code --snapshot-entries}. Default 2000: small, so compaction and InstallSnapshot happen. */
        public Config snapshotEntries(long entries) {
            this.snapshotEntries = entries;
            return this;
        }

        /** Starts the nodes without {@code --snapshot-entries}, so the server's own default holds. */
        public Config serverDefaultSnapshotEntries() {
            this.snapshotEntries = null;
            return this;
        }

        /**
         * Whether each node gets a {@link FaultProxy} in front of it. Default true; without, nodes
         * advertise the address they bind and there are no network faults.
         */
        public Config proxies(boolean proxies) {
            this.proxies = proxies;
            return this;
        }

        /**
         * Whether each node also serves etcd's v3 API ({@code --etcd-listen}, on a port of its own,
         * behind its proxy when there is one): {@link LocalCluster#etcdEndpoint}. Default false.
         */
        public Config etcdApi(boolean serve) {
            this.etcdApi = serve;
            return this;
        }

        /** How each node's process is started. Default {@link NodeLaunch#ternCli()}. */
        public Config launch(NodeLaunch launch) {
            this.launch = Objects.requireNonNull(launch);
            return this;
        }

        /** Appended to every node's {@code tern server} command line (a test-only mode, say). */
        public Config extraServerArgs(List<String> args) {
            this.extraServerArgs = List.copyOf(args);
            return this;
        }

        /** The proxy of node i draws its jitter from a {@link java.util.Random} seeded with {@code seed + i}. */
        public Config proxySeed(long seed) {
            this.proxySeed = seed;
            return this;
        }

        /** Heap of each node, in MiB. Default 256. */
        public Config heapMb(int megabytes) {
            this.heapMb = megabytes;
            return this;
        }

        /**
         * The JVM flags of each node before the heap and GC flags this class adds. Default
         * {@link #defaultJvmArgs()}: this JVM's (the test JVM's {@code tern.test.jvmArgs} in tests).
         */
        public Config jvmArgs(List<String> args) {
            this.jvmArgs = List.copyOf(args);
            return this;
        }

        /**
         * Puts each node's data directory on a tmpfs of {@code bytes} of its own (mounting needs root)
         * and starts the nodes with {@code --disk-reserve-bytes reserveBytes}, so that
         * {@link LocalCluster#fillDisk} can fill one. Default: the nodes share the host's disk.
         */
        public Config smallDisks(long bytes, long reserveBytes) {
            if (bytes <= reserveBytes || reserveBytes < 0) {
                throw new IllegalArgumentException("a small disk of " + bytes + " bytes cannot keep a reserve of "
                        + reserveBytes);
            }
            this.diskBytes = bytes;
            this.diskReserveBytes = reserveBytes;
            return this;
        }

        /** How long {@link #start} may take until a leader is elected. Default 90 s. */
        public Config startTimeout(Duration timeout) {
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

        public Duration electionTimeout() {
            return Duration.ofMillis(electionTimeoutMs);
        }
    }

    /** A node's process that exited without this cluster killing or stopping it. */
    public record UnexpectedExit(int id, int start, long pid, int exitCode, Instant at) {
    }

    /** One member: its addresses, its proxy, its disk and its process. Guarded by the cluster's lock. */
    private static final class Node {
        final int id;
        final int listenPort;
        /** Null when the cluster runs without proxies. */
        final FaultProxy proxy;
        final String advertised;
        /** The port its etcd API binds, 0 without one; and where etcd clients reach it (its proxy's route). */
        final int etcdListenPort;
        final String etcdAdvertised;
        final NodeProcess process;
        /** The {@code --cluster} list it is started with (only an empty data directory reads it). */
        String bootstrap;
        /** Started with {@code --join} and not yet seen in a configuration: restarts need {@code --join} too. */
        boolean needsJoin;
        boolean removed;
        /** The node's own small disk, mounted on its data directory before its first start; null without. */
        TmpfsMount disk;

        Node(int id, int listenPort, FaultProxy proxy, int etcdListenPort, String etcdAdvertised, NodeProcess process,
             boolean needsJoin) {
            this.id = id;
            this.listenPort = listenPort;
            this.proxy = proxy;
            this.advertised = proxy != null ? hostPort(proxy.localAddress()) : "127.0.0.1:" + listenPort;
            this.etcdListenPort = etcdListenPort;
            this.etcdAdvertised = etcdAdvertised;
            this.process = process;
            this.needsJoin = needsJoin;
        }
    }

    private final Path dir;
    private final Config config;
    private final List<String> jvmFlags;
    private final Map<Integer, Node> nodes = new TreeMap<>();
    private final List<UnexpectedExit> unexpected = new CopyOnWriteArrayList<>();
    private final Thread killOnExit = new Thread(() -> {
        killAll();
        unmountAll();
    }, "tern-verify-cluster-kill");
    private int nextId;
    private volatile boolean closed;

    private LocalCluster(Path dir, Config config, int firstListenPort) {
        super("127.0.0.1:" + firstListenPort, config.clientSecurity);
        this.dir = dir;
        this.config = config;
        this.jvmFlags = jvmFlags(config);
        this.nextId = config.nodes + 1;
    }

    /**
     * Starts {@code config.nodes()} nodes with data and logs under {@code dir} and waits until they
     * have elected a leader.
     *
     * @throws ClusterException if no leader is elected within the start timeout (every node is killed then)
     */
    public static LocalCluster start(Path dir, Config config) {
        return create(dir, config).startNodes();
    }

    /**
     * Makes the cluster with its ports and proxies (so they can be set up first) without starting any
     * node; {@link #startNodes()} starts them. The caller closes it.
     */
    public static LocalCluster create(Path dir, Config config) {
        int[] ports = new int[config.nodes];
        for (int i = 0; i < ports.length; i++) {
            ports[i] = ListenPorts.pick();
        }
        LocalCluster cluster = new LocalCluster(dir, config, ports[0]);
        try {
            Files.createDirectories(dir);
            for (int id = 1; id <= config.nodes; id++) {
                cluster.nodes.put(id, cluster.newNode(id, ports[id - 1], false));
            }
        } catch (IOException e) {
            cluster.close();
            throw new UncheckedIOException("cannot create " + dir, e);
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        String bootstrap = cluster.nodes.values().stream().map(n -> n.id + "=" + n.advertised)
                .collect(Collectors.joining(","));
        cluster.nodes.values().forEach(n -> n.bootstrap = bootstrap);
        Runtime.getRuntime().addShutdownHook(cluster.killOnExit);
        return cluster;
    }

    /**
     * Starts every node made by {@link #create} and waits until they have elected a leader and each
     * running one answers.
     *
     * @throws ClusterException if no leader is elected within the start timeout (every node is killed then)
     */
    public LocalCluster startNodes() {
        try {
            for (int id : nodeIds()) {
                launch(id);
            }
            awaitLeader(config.startTimeout);
            for (int id : nodeIds()) {
                // A leader needs only a quorum; a member still starting would meanwhile reset (through
                // its proxy) the first requests a client sends it, leaving their outcome unknown.
                Await.until("member " + id + " to serve", config.startTimeout,
                        () -> !isRunning(id) || status(id).isPresent());
            }
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private Node newNode(int id, int listenPort, boolean needsJoin) {
        FaultProxy proxy = config.proxies ? FaultProxy.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort), config.proxySeed + id) : null;
        int etcdListenPort = config.etcdApi ? ListenPorts.pick() : 0;
        String etcdAdvertised = null;
        if (config.etcdApi) {
            InetSocketAddress etcdListen = new InetSocketAddress(InetAddress.getLoopbackAddress(), etcdListenPort);
            etcdAdvertised = hostPort(proxy == null ? etcdListen
                    : proxy.addRoute(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), etcdListen));
        }
        NodeProcess process = new NodeProcess("node " + id, logFileOf(id), dir, (start, pid, exitCode) -> {
            if (!closed) {
                unexpected.add(new UnexpectedExit(id, start, pid, exitCode, Instant.now()));
            }
        });
        return new Node(id, listenPort, proxy, etcdListenPort, etcdAdvertised, process, needsJoin);
    }

    // ---- what a ClusterControl is ----

    @Override
    public boolean controlsProcesses() {
        return true;
    }

    @Override
    public boolean controlsNetwork() {
        return config.proxies;
    }

    @Override
    public synchronized List<Integer> nodeIds() {
        return nodes.values().stream().filter(n -> !n.removed).map(n -> n.id).toList();
    }

    /** Every node ever started here, removed ones included. */
    public synchronized List<Integer> allNodeIds() {
        return List.copyOf(nodes.keySet());
    }

    /** The members whose process is running. */
    public List<Integer> runningIds() {
        return nodeIds().stream().filter(this::isRunning).toList();
    }

    /** What {@code --max-value-bytes} among the extra server arguments says, else the default. */
    @Override
    public int maxValueBytes() {
        List<String> args = config.extraServerArgs;
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

    /**
     * Where etcd clients reach node {@code id}'s etcd API: its proxy's second route, or the port the
     * node binds when there are no proxies.
     *
     * @throws UnsupportedOperationException if the cluster was not started with {@link Config#etcdApi}
     */
    @Override
    public String etcdEndpoint(int id) {
        Node node = node(id);
        if (node.etcdAdvertised == null) {
            throw new UnsupportedOperationException("the nodes of this cluster do not serve etcd's API");
        }
        return node.etcdAdvertised;
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
        FaultProxy proxy = node(id).proxy;
        if (proxy == null) {
            throw new IllegalStateException("this cluster runs without proxies");
        }
        return proxy;
    }

    /**
     * A client of the given nodes' advertised addresses (every member's when none are named), with
     * leader discovery as a user's client has it. The caller closes it.
     */
    public TernClient client(Duration requestTimeout, int... ids) {
        List<String> endpoints = ids.length == 0 ? endpoints()
                : Arrays.stream(ids).mapToObj(this::endpoint).toList();
        return clientSecurity().applyTo(TernClient.builder().endpoints(endpoints).requestTimeout(requestTimeout)).build();
    }

    public Path directory() {
        return dir;
    }

    public Path dataDirectory(int id) {
        return dir.resolve("node-" + node(id).id);
    }

    public Path logFile(int id) {
        return node(id).process.log();
    }

    private Path logFileOf(int id) {
        return dir.resolve("node-" + id + ".log");
    }

    /** The base election timeout the nodes run with. */
    public Duration electionTimeout() {
        return config.electionTimeout();
    }

    @Override
    public boolean isRunning(int id) {
        return node(id).process.isRunning();
    }

    @Override
    public boolean isPaused(int id) {
        return node(id).process.isPaused();
    }

    /** The pid of node {@code id}'s current process. */
    public long pid(int id) {
        return node(id).process.pid();
    }

    @Override
    public List<Integer> exitedUnexpectedly() {
        return unexpected.stream().map(UnexpectedExit::id).distinct().sorted().toList();
    }

    /** Every crash seen so far, in order. */
    public List<UnexpectedExit> unexpectedExits() {
        return List.copyOf(unexpected);
    }

    // ---- waiting ----

    /**
     * Waits until node {@code id} has applied at least {@code index}.
     *
     * @return its STATUS then
     * @throws ClusterException if it does not within {@code timeout}, or its process is gone
     */
    public ServerStatus awaitApplied(int id, long index, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        java.util.Optional<ServerStatus> last = java.util.Optional.empty();
        while (System.nanoTime() - deadline < 0) {
            last = status(id);
            if (last.isPresent() && last.get().appliedIndex() >= index) {
                return last.get();
            }
            if (!isRunning(id)) {
                break;
            }
            Await.pause(Await.POLL_MILLIS);
        }
        throw new ClusterException("node " + id + " did not apply index " + index + " within " + timeout.toMillis()
                + " ms; last status " + last.map(ServerStatus::toString).orElse("none") + describe());
    }

    /** Waits until every running member has applied at least {@code index}. */
    public void awaitAllApplied(long index, Duration timeout) {
        for (int id : runningIds()) {
            awaitApplied(id, index, timeout);
        }
    }

    /**
     * Waits until node {@code id} exits by itself (a full disk, a fatal error); that exit is still
     * reported by {@link #unexpectedExits()} unless it was announced.
     *
     * @return its exit code
     */
    public int awaitExit(int id, Duration timeout) {
        return node(id).process.awaitExit(timeout);
    }

    // ---- process faults ----

    @Override
    public void kill9(int... ids) {
        List<NodeProcess> killed = new ArrayList<>();
        for (int id : ids) {
            NodeProcess process = node(id).process;
            if (process.kill()) {
                killed.add(process);
            }
        }
        for (NodeProcess process : killed) {
            process.awaitKilled();
        }
    }

    /** SIGKILL to every running member at once. */
    public void kill9All() {
        kill9(runningIds().stream().mapToInt(Integer::intValue).toArray());
    }

    @Override
    public void pause(int id) {
        node(id).process.pause();
    }

    @Override
    public void resume(int id) {
        node(id).process.resume();
    }

    @Override
    public int stop(int id) {
        return node(id).process.stop(STOP_GRACE);
    }

    @Override
    public void restart(int id) {
        restart(id, List.of());
    }

    /** Starts node {@code id} again with {@code extraArgs} added to its server arguments for this start only. */
    public void restart(int id, List<String> extraArgs) {
        if (isRunning(id)) {
            throw new IllegalStateException("node " + id + " is still running");
        }
        launch(id, extraArgs);
    }

    /**
     * Loses node {@code id} for good, as a dead disk would: kills it (SIGKILL) and deletes its data
     * directory. The cluster no longer counts it among its nodes; its membership is left as it is.
     */
    public void destroy(int id) {
        kill9(id);
        try {
            deleteTree(dataDirectory(id));
        } catch (IOException e) {
            throw new ClusterException("cannot delete node " + id + "'s data: " + e.getMessage(), e);
        }
        synchronized (this) {
            node(id).removed = true;
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    // ---- disks ----

    @Override
    public boolean hasSmallDisks() {
        return config.diskBytes > 0;
    }

    @Override
    public String fillDisk(int id, boolean completely) {
        TmpfsMount disk;
        synchronized (this) {
            disk = node(id).disk;
            if (disk == null) {
                throw new IllegalStateException("node " + id + " has no small disk of its own");
            }
            if (completely) {
                node(id).process.expectExit(); // a member whose disk is full exits: that is the point
            }
        }
        try {
            long written = disk.fill(ballast(id), completely ? 0 : config.diskReserveBytes / 2);
            return "a ballast of " + megabytes(written) + " leaves " + megabytes(disk.usableBytes()) + " of "
                    + megabytes(config.diskBytes) + " free (reserve " + megabytes(config.diskReserveBytes) + ")";
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
            node = newNode(id, ListenPorts.pick(), true);
            String members = nodes.values().stream().filter(n -> !n.removed).map(n -> n.id + "=" + n.advertised)
                    .collect(Collectors.joining(","));
            node.bootstrap = members + "," + id + "=" + node.advertised;
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
        return node(id).process.logTail(lines);
    }

    /** The first line of {@link #describe()}, by which a message that holds it can be told. */
    public String describeHeader() {
        return "---- local cluster in " + dir + " ----";
    }

    /** Each node's process state, proxy and log tail, for a failure message. */
    @Override
    public String describe() {
        StringBuilder out = new StringBuilder("\n").append(describeHeader());
        for (int id : allNodeIds()) {
            Node node = node(id);
            out.append("\n== node ").append(id).append(" (").append(node.advertised).append(" -> :")
                    .append(node.listenPort).append(node.removed ? ", removed" : "").append(") ")
                    .append(node.process.state());
            if (node.proxy != null) {
                out.append(", ").append(node.proxy);
            }
            out.append(" ==\n").append(logTail(id, 20));
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
            if (node.proxy != null) {
                node.proxy.close();
            }
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

    private static List<String> jvmFlags(Config config) {
        List<String> flags = new ArrayList<>(config.jvmArgs != null ? config.jvmArgs : defaultJvmArgs());
        flags.addAll(List.of("-Xmx" + config.heapMb + "m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        return List.copyOf(flags);
    }

    /** The {@code tern server} arguments of a node. */
    /** @param etcdListenPort the port of its etcd API, or 0 when it serves none */
    static List<String> serverArgs(Config config, int id, Path data, String cluster, int listenPort, int etcdListenPort,
                                   boolean join) {
        List<String> args = new ArrayList<>(List.of("server",
                "--id", Integer.toString(id),
                "--data", data.toString(),
                "--cluster", cluster));
        if (config.proxies) {
            args.addAll(List.of("--listen", "127.0.0.1:" + listenPort));
        }
        if (etcdListenPort > 0) {
            args.addAll(List.of("--etcd-listen", "127.0.0.1:" + etcdListenPort));
        }
        args.addAll(List.of("--fsync", config.fsync,
                "--heartbeat-ms", Integer.toString(config.heartbeatMs),
                "--election-timeout-ms", Integer.toString(config.electionTimeoutMs)));
        if (config.snapshotEntries != null) {
            args.addAll(List.of("--snapshot-entries", Long.toString(config.snapshotEntries)));
        }
        if (join) {
            args.add("--join");
        }
        if (config.diskBytes > 0) {
            args.addAll(List.of("--disk-reserve-bytes", Long.toString(config.diskReserveBytes),
                    "--disk-check-interval-ms", "200"));
        }
        args.addAll(config.extraServerArgs);
        return args;
    }

    // ---- internals ----

    private void launch(int id) {
        launch(id, List.of());
    }

    private void launch(int id, List<String> extraArgs) {
        if (closed) {
            throw new IllegalStateException("the cluster is closed");
        }
        Node node;
        List<String> command = new ArrayList<>(config.launch.command(jvmFlags));
        synchronized (this) {
            node = node(id);
            if (config.diskBytes > 0 && node.disk == null) {
                try {
                    node.disk = TmpfsMount.mount(dataDirectory(id), config.diskBytes);
                } catch (IOException e) {
                    throw new ClusterException("cannot give node " + id + " a small disk: " + e.getMessage(), e);
                }
            }
            command.addAll(serverArgs(config, id, dataDirectory(id), node.bootstrap, node.listenPort,
                    node.etcdListenPort, node.needsJoin));
            command.addAll(extraArgs);
        }
        node.process.start(command, config.launch.environment(jvmFlags));
    }

    private void killAll() {
        List<NodeProcess> processes = new ArrayList<>();
        synchronized (this) {
            for (Node node : nodes.values()) {
                processes.add(node.process);
            }
        }
        for (NodeProcess process : processes) {
            process.kill();
        }
        for (NodeProcess process : processes) {
            try {
                process.awaitKilled();
            } catch (IllegalStateException neverStarted) {
                // Nothing to wait for.
            } catch (ClusterException e) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
            }
        }
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
