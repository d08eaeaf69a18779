package io.tern.server.process;

import io.tern.platform.ListenPorts;
import io.tern.chaos.FaultProxy;
import io.tern.client.TernClient;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A cluster of Tern nodes, each a real process started through the launcher ({@code bin/tern server})
 * the way a user starts one, with the classpath this test JVM was built with (TERN_CLASSPATH) so no
 * Maven build runs inside the test. Node ids are 1..n; each node's stdout and stderr go to
 * {@code DIR/node-i.log}, appended across restarts.
 *
 * <p>With proxies, node i binds {@code --listen 127.0.0.1:Li} and advertises the address of a
 * {@link FaultProxy} that forwards to Li, so every byte to node i, from peers and clients alike,
 * passes through {@link #proxy(int)}.
 *
 * <p>Every wait polls STATUS against a deadline; nothing here sleeps for a guessed time.
 */
final class ProcessCluster implements AutoCloseable {

    private static final Duration STATUS_TIMEOUT = Duration.ofMillis(1_500);
    private static final long POLL_MILLIS = 25;

    private final Path repoRoot = findRepoRoot();
    private final Path dir;
    private final int size;
    private final boolean proxied;
    private final String fsync;
    private final int heartbeatMs;
    private final int electionTimeoutMs;
    private final String javaOpts;
    private final List<String> serverArgs;
    private final int[] listenPorts;
    private final String[] advertised;
    private final FaultProxy[] proxies;
    private final Process[] processes;
    private final int[] starts;
    private final TernClient admin;

    private ProcessCluster(Builder builder) {
        this.dir = builder.dir;
        this.size = builder.nodes;
        this.proxied = builder.proxies;
        this.fsync = builder.fsync;
        this.heartbeatMs = builder.heartbeatMs;
        this.electionTimeoutMs = builder.electionTimeoutMs;
        this.serverArgs = List.copyOf(builder.serverArgs);
        this.javaOpts = (System.getProperty("tern.test.jvmArgs", "") + " -Xmx" + builder.heapMb
                + "m -XX:+UseSerialGC -XX:TieredStopAtLevel=1").trim();
        this.listenPorts = new int[size + 1];
        this.advertised = new String[size + 1];
        this.proxies = new FaultProxy[size + 1];
        this.processes = new Process[size + 1];
        this.starts = new int[size + 1];
        int[] ports = freePorts(size);
        for (int id = 1; id <= size; id++) {
            listenPorts[id] = ports[id - 1];
            if (proxied) {
                proxies[id] = FaultProxy.start(new InetSocketAddress(loopback(), 0),
                        new InetSocketAddress(loopback(), listenPorts[id]), builder.proxySeed + id);
                advertised[id] = "127.0.0.1:" + proxies[id].localAddress().getPort();
            } else {
                advertised[id] = "127.0.0.1:" + listenPorts[id];
            }
        }
        this.admin = TernClient.builder().endpoints(endpoints()).requestTimeout(STATUS_TIMEOUT)
                .connectTimeout(Duration.ofMillis(500)).connectionsPerEndpoint(1).build();
    }

    static Builder builder(Path dir) {
        return new Builder(dir);
    }

    /** Starts every node; returns at once (see {@link #awaitLeader}). */
    ProcessCluster start() {
        for (int id = 1; id <= size; id++) {
            startNode(id);
        }
        return this;
    }

    int size() {
        return size;
    }

    /** The base election timeout the nodes run with. */
    Duration electionTimeout() {
        return Duration.ofMillis(electionTimeoutMs);
    }

    List<Integer> ids() {
        return IntStream.rangeClosed(1, size).boxed().toList();
    }

    /** Every node's advertised address, in id order: what clients and peers connect to. */
    List<String> endpoints() {
        return ids().stream().map(this::endpoint).toList();
    }

    String endpoint(int id) {
        return advertised[check(id)];
    }

    FaultProxy proxy(int id) {
        if (!proxied) {
            throw new IllegalStateException("this cluster runs without proxies");
        }
        return proxies[check(id)];
    }

    Path dataDirectory(int id) {
        return dir.resolve("node-" + check(id));
    }

    Path logFile(int id) {
        return dir.resolve("node-" + check(id) + ".log");
    }

    boolean isAlive(int id) {
        Process process = processes[check(id)];
        return process != null && process.isAlive();
    }

    List<Integer> liveIds() {
        return ids().stream().filter(this::isAlive).toList();
    }

    /** A client of the given nodes (all live ones when none are named). The caller closes it. */
    TernClient client(Duration requestTimeout, int... ids) {
        List<String> endpoints = ids.length == 0 ? endpoints()
                : Arrays.stream(ids).mapToObj(this::endpoint).toList();
        return TernClient.builder().endpoints(endpoints).requestTimeout(requestTimeout).build();
    }

    // ---- faults ----

    /** SIGKILL, then waits until the process is gone. */
    void kill9(int id) {
        kill9(new int[]{id});
    }

    /** SIGKILL to every node named, back to back, then waits until all are gone. */
    void kill9(int... ids) {
        for (int id : ids) {
            Process process = processes[check(id)];
            if (process != null) {
                // Through the handle: SIGKILL without closing our side of anything first.
                process.toHandle().destroyForcibly();
            }
        }
        for (int id : ids) {
            awaitExit(id, Duration.ofSeconds(15), "after SIGKILL");
        }
    }

    /** SIGKILL to every live node at once. */
    void kill9All() {
        kill9(liveIds().stream().mapToInt(Integer::intValue).toArray());
    }

    /** SIGTERM and waits for the exit; returns the exit code. */
    int stop(int id) {
        Process process = processes[check(id)];
        process.toHandle().destroy();
        return awaitExit(id, Duration.ofSeconds(30), "after SIGTERM");
    }

    /** Waits until node {@code id} exits by itself; returns its exit code. */
    int awaitExit(int id, Duration timeout) {
        return awaitExit(id, timeout, "by itself");
    }

    /** Starts a stopped or killed node again with the same arguments and data directory. */
    void restart(int id) {
        if (isAlive(id)) {
            throw new IllegalStateException("node " + id + " is still running");
        }
        startNode(id);
    }

    // ---- observation ----

    /** The node's STATUS, or empty when it does not answer within a short timeout. */
    Optional<NodeStatus> status(int id) {
        return statusAsync(id).join();
    }

    /** STATUS of every live node that answers, by id. */
    Map<Integer, NodeStatus> statuses() {
        Map<Integer, CompletableFuture<Optional<NodeStatus>>> pending = new LinkedHashMap<>();
        for (int id : liveIds()) {
            pending.put(id, statusAsync(id));
        }
        Map<Integer, NodeStatus> answers = new LinkedHashMap<>();
        pending.forEach((id, future) -> future.join().ifPresent(status -> answers.put(id, status)));
        return answers;
    }

    /**
     * Waits until one live node is LEADER and a majority of the whole cluster (it included) report it
     * as leader in its term: a leader that can serve, not a candidate's fleeting claim.
     */
    int awaitLeader(Duration timeout) {
        return awaitLeader(timeout, id -> true);
    }

    /** As {@link #awaitLeader(Duration)}, for a leader that {@code acceptable} accepts. */
    int awaitLeader(Duration timeout, Predicate<Integer> acceptable) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int majority = size / 2 + 1;
        Map<Integer, NodeStatus> seen = Map.of();
        while (System.nanoTime() < deadline) {
            if (liveIds().size() < majority) {
                throw new AssertionError("no leader possible: only nodes " + liveIds() + " are running" + describe());
            }
            seen = statuses();
            for (NodeStatus candidate : seen.values()) {
                if (!candidate.isLeader() || !acceptable.test((int) candidate.id())) {
                    continue;
                }
                long backing = seen.values().stream()
                        .filter(s -> s.term() == candidate.term()
                                && (s.id() == candidate.id() || s.leaderId() == candidate.id()))
                        .count();
                if (backing >= majority) {
                    return (int) candidate.id();
                }
            }
            pause();
        }
        throw new AssertionError("no leader within " + timeout + "; last statuses " + seen.values() + describe());
    }

    /** Waits until every live node has applied at least {@code index}. */
    void awaitAllApplied(long index, Duration timeout) {
        for (int id : liveIds()) {
            awaitApplied(id, index, timeout);
        }
    }

    /** Waits until node {@code id} has applied at least {@code index}; returns its status then. */
    NodeStatus awaitApplied(int id, long index, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Optional<NodeStatus> last = Optional.empty();
        while (System.nanoTime() < deadline) {
            last = status(id);
            if (last.isPresent() && last.get().appliedIndex() >= index) {
                return last.get();
            }
            if (!isAlive(id)) {
                break;
            }
            pause();
        }
        throw new AssertionError("node " + id + " did not apply index " + index + " within " + timeout
                + "; last status " + last.map(NodeStatus::toString).orElse("none") + describe());
    }

    /** The last {@code lines} lines of node {@code id}'s log (stdout and stderr, every start). */
    String logTail(int id, int lines) {
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

    /** Liveness, exit codes and log tails of every node, for a failure message. */
    String describe() {
        StringBuilder out = new StringBuilder("\n").append(describeHeader());
        for (int id = 1; id <= size; id++) {
            Process process = processes[id];
            out.append("\n== node ").append(id).append(" (").append(endpoint(id));
            if (proxied) {
                out.append(" -> :").append(listenPorts[id]).append(", ").append(proxies[id]);
            }
            out.append(") ");
            if (process == null) {
                out.append("never started");
            } else if (process.isAlive()) {
                out.append("running, pid ").append(process.pid()).append(", start #").append(starts[id]);
            } else {
                out.append("exited with ").append(process.exitValue()).append(", start #").append(starts[id]);
            }
            out.append(" ==\n").append(logTail(id, 25));
        }
        return out.toString();
    }

    String describeHeader() {
        return "---- process cluster in " + dir + " ----";
    }

    /** Kills every node that is still running (SIGKILL: the test is over), then closes the proxies. */
    @Override
    public void close() {
        for (int id = 1; id <= size; id++) {
            if (processes[id] != null) {
                processes[id].toHandle().destroyForcibly();
            }
        }
        for (int id = 1; id <= size; id++) {
            if (processes[id] != null) {
                try {
                    processes[id].waitFor(15, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        admin.close();
        for (int id = 1; id <= size; id++) {
            if (proxies[id] != null) {
                proxies[id].close();
            }
        }
    }

    // ---- internals ----

    private void startNode(int id) {
        List<String> command = new ArrayList<>(List.of(
                repoRoot.resolve("bin/tern").toString(), "server",
                "--id", Integer.toString(id),
                "--data", dataDirectory(id).toString(),
                "--cluster", ids().stream().map(i -> i + "=" + advertised[i]).collect(Collectors.joining(","))));
        if (proxied) {
            command.addAll(List.of("--listen", "127.0.0.1:" + listenPorts[id]));
        }
        command.addAll(List.of("--fsync", fsync,
                "--heartbeat-ms", Integer.toString(heartbeatMs),
                "--election-timeout-ms", Integer.toString(electionTimeoutMs)));
        command.addAll(serverArgs);
        starts[id]++;
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(repoRoot.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(id).toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().put("TERN_CLASSPATH", System.getProperty("java.class.path"));
        builder.environment().put("TERN_JAVA_OPTS", javaOpts);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        try {
            Files.createDirectories(dir);
            Files.writeString(logFile(id), "==== start #" + starts[id] + " of node " + id + ": "
                    + String.join(" ", command) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            processes[id] = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + id, e);
        }
    }

    private int awaitExit(int id, Duration timeout, String why) {
        Process process = processes[id];
        try {
            assertTrue(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS),
                    "node " + id + " did not exit " + why + " within " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        return process.exitValue();
    }

    private CompletableFuture<Optional<NodeStatus>> statusAsync(int id) {
        try {
            return admin.statusAsync(endpoint(id))
                    .orTimeout(STATUS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .thenApply(json -> Optional.of(NodeStatus.parse(json)))
                    .exceptionally(error -> Optional.empty());
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
    }

    private int check(int id) {
        if (id < 1 || id > size) {
            throw new IllegalArgumentException("no node " + id + " in a cluster of " + size);
        }
        return id;
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static InetAddress loopback() {
        return InetAddress.getLoopbackAddress();
    }

    /**
     * {@code count} distinct ports that were free a moment ago: each is bound to port 0 and all are
     * held open until every one is chosen, so no two nodes get the same one.
     */
    /**
     * Ports for nodes to bind, below the kernel's ephemeral range, so that a proxy or a client
     * connection cannot be handed the same port between its choice and the node's bind.
     */
    static int[] freePorts(int count) {
        int[] ports = new int[count];
        for (int i = 0; i < count; i++) {
            ports[i] = ListenPorts.pick();
        }
        return ports;
    }

    private static Path findRepoRoot() {
        Path at = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = at; p != null; p = p.getParent()) {
            if (Files.isExecutable(p.resolve("bin/tern"))) {
                return p;
            }
        }
        fail("no bin/tern above " + at);
        return null;
    }

    /** How to start a {@link ProcessCluster}. */
    static final class Builder {
        private final Path dir;
        private int nodes = 3;
        private boolean proxies;
        private long proxySeed = System.nanoTime();
        private String fsync = "always";
        private int heartbeatMs = 50;
        private int electionTimeoutMs = 500;
        private int heapMb = 256;
        private final List<String> serverArgs = new ArrayList<>();

        private Builder(Path dir) {
            this.dir = dir;
        }

        Builder nodes(int nodes) {
            this.nodes = nodes;
            return this;
        }

        /** A {@link FaultProxy} in front of every node, its jitter seeded with {@code seed + id}. */
        Builder proxies(long seed) {
            this.proxies = true;
            this.proxySeed = seed;
            return this;
        }

        Builder fsync(String fsync) {
            this.fsync = fsync;
            return this;
        }

        Builder electionTimeoutMs(int millis) {
            this.electionTimeoutMs = millis;
            return this;
        }

        /** More flags for every node's {@code tern server} command line. */
        Builder serverArgs(String... args) {
            serverArgs.addAll(List.of(args));
            return this;
        }

        Builder heartbeatMs(int millis) {
            this.heartbeatMs = millis;
            return this;
        }

        /** Builds the cluster (proxies listening, ports chosen) without starting any node. */
        ProcessCluster build() {
            return new ProcessCluster(this);
        }

        ProcessCluster start() {
            return build().start();
        }
    }
}
