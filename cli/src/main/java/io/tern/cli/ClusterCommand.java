package io.tern.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tern cluster}: a local development cluster in one command. Each node is a child JVM running
 * {@code tern server} with the same java binary, classpath and JVM flags as this one; their output is
 * interleaved on stdout line by line, each line prefixed with {@code [node-i]}. Ctrl-C stops them all;
 * a node that exits on its own stops the others and makes the command fail.
 */
@Command(name = "cluster", showDefaultValues = true,
        description = {"Run a local cluster of N nodes on consecutive ports until Ctrl-C.",
                "Node i (1..N) listens on 127.0.0.1:BASE+i-1 (and serves etcd's API on ETCD_BASE+i-1 with "
                        + "--etcd-base-port) and keeps its data in DIR/node-i; each line "
                        + "it prints is shown prefixed with [node-i]. Ctrl-C stops every node. If a node "
                        + "exits on its own, the others are stopped and the command exits 3."})
public final class ClusterCommand implements Callable<Integer> {

    /** How long a node may take to stop after SIGTERM before it is killed. */
    static final long STOP_GRACE_SECONDS = 10;
    /** A child JVM's exit code when Ctrl-C's SIGINT reached it directly (the whole process group gets it). */
    private static final int EXIT_ON_SIGINT = 130;

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Option(names = "--nodes", paramLabel = "N", defaultValue = "3", description = "How many nodes.")
    int nodes;

    @Option(names = "--base-port", paramLabel = "PORT", defaultValue = "7379", description = "The port of node 1; node i gets PORT+i-1.")
    int basePort;

    @Option(names = "--etcd-base-port", paramLabel = "PORT", description = "Also serve etcd's v3 gRPC API: node i "
            + "on 127.0.0.1:PORT+i-1 (its --etcd-listen). Default: none.")
    Integer etcdBasePort;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "./data", description = "Node i keeps its data in DIR/node-i.")
    Path data;

    @Option(names = "--fsync", paramLabel = "always|never", description = "Passed to every node (default: the server's, always).")
    String fsync;

    @Option(names = "--heartbeat-ms", paramLabel = "MS", description = "Passed to every node (default: the server's, 100).")
    Integer heartbeatMs;

    @Option(names = "--election-timeout-ms", paramLabel = "MS", description = "Passed to every node (default: the server's, 1000).")
    Integer electionTimeoutMs;

    @Option(names = "--forward", paramLabel = "true|false", arity = "1", description = "Passed to every node (default: the server's, true).")
    Boolean forward;

    /** Passed to every node: one certificate with the SANs 127.0.0.1 and localhost serves them all. */
    @Mixin
    TlsFlags tls;

    private final CompletableFuture<Void> stopRequested = new CompletableFuture<>();
    private final List<Node> running = new ArrayList<>();

    /** One child process and the thread that copies its output. */
    private record Node(int index, Process process, Thread pump) {
        String name() {
            return "node-" + index;
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        validate();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Thread hook = new Thread(this::stopOnShutdown, "tern-cluster-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            out.println("tern cluster: " + nodes + " nodes, data in " + data + "; use --endpoints " + endpoints()
                    + (etcdBasePort == null ? "" : ", etcd clients " + etcdEndpoints()) + " (Ctrl-C stops them)");
            out.flush();
            for (int i = 1; i <= nodes; i++) {
                start(i, out);
            }
            List<Node> started = startedNodes();
            List<CompletableFuture<?>> watched = new ArrayList<>();
            watched.add(stopRequested);
            for (Node node : started) {
                watched.add(node.process().onExit());
            }
            CompletableFuture.anyOf(watched.toArray(CompletableFuture<?>[]::new)).join();
            if (stopRequested.isDone()) {
                stopAll(err);
                return ExitCodes.OK;
            }
            Node exited = started.stream().filter(n -> !n.process().isAlive()).findFirst().orElseThrow();
            int code = exited.process().exitValue();
            if (code != EXIT_ON_SIGINT) {
                exited.pump().join(TimeUnit.SECONDS.toMillis(2));
                err.println("tern cluster: " + exited.name() + " exited with code " + code + "; stopping the others");
                err.flush();
            }
            stopAll(err);
            return code == EXIT_ON_SIGINT ? ExitCodes.OK : ExitCodes.REFUSED;
        } catch (IOException e) {
            err.println("tern cluster: cannot start a node: " + CliErrors.oneLine(e.getMessage()));
            stopAll(err);
            return ExitCodes.REFUSED;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running or about to: it stops the nodes itself.
            }
        }
    }

    /** Stops every node and makes {@link #call()} return 0, as Ctrl-C does; for tests and embedding. */
    public void requestStop() {
        stopRequested.complete(null);
    }

    private void validate() {
        if (nodes < 1) {
            throw new ParameterException(spec.commandLine(), "--nodes must be at least 1: " + nodes);
        }
        if (basePort < 1 || basePort + nodes - 1 > 65535) {
            throw new ParameterException(spec.commandLine(), "--base-port " + basePort + " leaves no room for "
                    + nodes + " ports below 65536");
        }
        try {
            tls.settings();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (etcdBasePort != null) {
            if (etcdBasePort < 1 || etcdBasePort + nodes - 1 > 65535) {
                throw new ParameterException(spec.commandLine(), "--etcd-base-port " + etcdBasePort
                        + " leaves no room for " + nodes + " ports below 65536");
            }
            if (etcdBasePort < basePort + nodes && basePort < etcdBasePort + nodes) {
                throw new ParameterException(spec.commandLine(), "--etcd-base-port " + etcdBasePort + " overlaps the "
                        + "nodes' ports " + basePort + ".." + (basePort + nodes - 1));
            }
        }
        if (fsync != null && !fsync.equals("always") && !fsync.equals("never")) {
            throw new ParameterException(spec.commandLine(), "--fsync must be always or never: " + fsync);
        }
    }

    private void stopOnShutdown() {
        requestStop();
        stopAll(spec.commandLine().getErr());
    }

    private String endpoints() {
        return IntStream.rangeClosed(1, nodes).mapToObj(this::address).collect(Collectors.joining(","));
    }

    private String etcdEndpoints() {
        return IntStream.rangeClosed(1, nodes).mapToObj(this::etcdAddress).collect(Collectors.joining(","));
    }

    private String address(int index) {
        return "127.0.0.1:" + (basePort + index - 1);
    }

    private String etcdAddress(int index) {
        return "127.0.0.1:" + (etcdBasePort + index - 1);
    }

    /** The command line of node {@code index}: this JVM's java, flags and classpath, running {@code tern server}. */
    List<String> childCommand(int index) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // A debugger agent would make every child listen on the same debug port.
            if (!flag.startsWith("-agentlib:jdwp") && !flag.startsWith("-Xrunjdwp")) {
                command.add(flag);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), TernCli.class.getName(), "server",
                "--id", Integer.toString(index),
                "--data", data.resolve("node-" + index).toString(),
                "--cluster", IntStream.rangeClosed(1, nodes).mapToObj(i -> i + "=" + address(i))
                        .collect(Collectors.joining(","))));
        if (fsync != null) {
            command.addAll(List.of("--fsync", fsync));
        }
        if (heartbeatMs != null) {
            command.addAll(List.of("--heartbeat-ms", heartbeatMs.toString()));
        }
        if (electionTimeoutMs != null) {
            command.addAll(List.of("--election-timeout-ms", electionTimeoutMs.toString()));
        }
        if (forward != null) {
            command.add("--forward=" + forward);
        }
        if (etcdBasePort != null) {
            command.addAll(List.of("--etcd-listen", etcdAddress(index)));
        }
        command.addAll(tls.arguments());
        return command;
    }

    private synchronized List<Node> startedNodes() {
        return List.copyOf(running);
    }

    private synchronized void start(int index, PrintWriter out) throws IOException {
        if (stopRequested.isDone()) {
            return;
        }
        Process process = new ProcessBuilder(childCommand(index)).redirectErrorStream(true).start();
        String prefix = "[node-" + index + "] ";
        Thread pump = Thread.ofVirtual().name("tern-cluster-node-" + index).start(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    synchronized (out) {
                        out.println(prefix + line);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // The child is gone; its exit is reported from its exit code.
            }
        });
        running.add(new Node(index, process, pump));
    }

    /**
     * SIGTERM to every node, then up to {@link #STOP_GRACE_SECONDS} for each to stop before it is killed.
     * The signals go through the process handles: {@link Process#destroy()} would also close our end of
     * each node's output, and what a node says while it stops would be lost.
     */
    private synchronized void stopAll(PrintWriter err) {
        for (Node node : running) {
            node.process().toHandle().destroy();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STOP_GRACE_SECONDS);
        for (Node node : running) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!node.process().waitFor(left, TimeUnit.NANOSECONDS)) {
                    err.println("tern cluster: " + node.name() + " did not stop within " + STOP_GRACE_SECONDS
                            + " s; killing it");
                    err.flush();
                    node.process().toHandle().destroyForcibly();
                    node.process().waitFor();
                }
                node.pump().join(TimeUnit.SECONDS.toMillis(2));
            } catch (InterruptedException e) {
                node.process().toHandle().destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        running.clear();
    }
}
