package io.tern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ClusterCommandTest {

    private static ClusterCommand parse(String... args) {
        CommandLine tern = TernCli.commandLine();
        String[] all = new String[args.length + 1];
        all[0] = "cluster";
        System.arraycopy(args, 0, all, 1, args.length);
        tern.parseArgs(all);
        return tern.getSubcommands().get("cluster").getCommand();
    }

    @Test
    void eachNodeRunsTheServerCommandInAJvmLikeThisOne() {
        List<String> command = parse("--nodes", "3", "--base-port", "7000", "--data", "/tmp/d").childCommand(2);
        List<String> jvmFlags = ManagementFactory.getRuntimeMXBean().getInputArguments();
        assertEquals(ProcessHandle.current().info().command().orElseThrow(), command.getFirst());
        assertEquals(jvmFlags.stream().filter(f -> !f.startsWith("-agentlib:jdwp")).toList(),
                command.subList(1, command.indexOf("-cp")));
        int cp = command.indexOf("-cp");
        assertEquals(System.getProperty("java.class.path"), command.get(cp + 1));
        assertEquals(List.of("io.tern.cli.TernCli", "server", "--id", "2", "--data", Path.of("/tmp/d/node-2").toString(),
                "--cluster", "1=127.0.0.1:7000,2=127.0.0.1:7001,3=127.0.0.1:7002"), command.subList(cp + 2, command.size()));
    }

    @Test
    void serverOptionsArePassedOnlyWhenGiven() {
        List<String> command = parse("--nodes", "1", "--fsync", "never", "--heartbeat-ms", "50",
                "--election-timeout-ms", "500", "--forward", "false").childCommand(1);
        assertEquals(List.of("--cluster", "1=127.0.0.1:7379", "--fsync", "never", "--heartbeat-ms", "50",
                "--election-timeout-ms", "500", "--forward=false"), command.subList(command.indexOf("--cluster"), command.size()));
        List<String> defaults = parse().childCommand(3);
        assertTrue(defaults.contains(Path.of("./data/node-3").toString()), defaults.toString());
        assertFalse(defaults.contains("--fsync"));
        assertFalse(defaults.stream().anyMatch(arg -> arg.startsWith("--forward")));
    }

    @Test
    void anEtcdBasePortGivesEachNodeItsEtcdAddress() {
        List<String> command = parse("--nodes", "3", "--base-port", "7000", "--etcd-base-port", "2379").childCommand(2);
        assertEquals(List.of("--etcd-listen", "127.0.0.1:2380"), command.subList(command.size() - 2, command.size()));
        assertFalse(parse().childCommand(1).contains("--etcd-listen"));
    }

    @Test
    void theTlsFlagsArePassedToEveryNodeWithAbsolutePaths() {
        List<String> command = parse("--cert-file", "c/server.crt", "--key-file", "c/server.key", "--trusted-ca-file",
                "c/ca.crt", "--client-cert-auth", "--peer-cert-file", "c/peer.crt", "--peer-key-file", "c/peer.key",
                "--peer-trusted-ca-file", "c/ca.crt").childCommand(2);
        Path certs = Path.of("c").toAbsolutePath();
        assertEquals(List.of("--cert-file", certs.resolve("server.crt").toString(), "--key-file",
                certs.resolve("server.key").toString(), "--trusted-ca-file", certs.resolve("ca.crt").toString(),
                "--client-cert-auth", "--peer-cert-file", certs.resolve("peer.crt").toString(), "--peer-key-file",
                certs.resolve("peer.key").toString(), "--peer-trusted-ca-file", certs.resolve("ca.crt").toString()),
                command.subList(command.indexOf("--cert-file"), command.size()));
        assertFalse(parse().childCommand(1).contains("--cert-file"));
    }

    @Test
    void etcdPortsThatOverlapTheNodesOrRunOutAreRefused() {
        for (List<String> args : List.of(List.of("--base-port", "7000", "--etcd-base-port", "7002"),
                List.of("--base-port", "7002", "--etcd-base-port", "7000"),
                List.of("--base-port", "7000", "--etcd-base-port", "65534"))) {
            CommandLine tern = TernCli.commandLine();
            StringWriter err = new StringWriter();
            tern.setErr(new PrintWriter(err, true));
            List<String> all = new java.util.ArrayList<>(List.of("cluster", "--nodes", "3"));
            all.addAll(args);
            assertEquals(2, tern.execute(all.toArray(String[]::new)), args + ": " + err);
            assertTrue(err.toString().contains("--etcd-base-port"), err.toString());
        }
    }

    /** A cluster command running on another thread, with what it printed. */
    private record Running(ClusterCommand command, CompletableFuture<Integer> exitCode, StringWriter out, StringWriter err) {
    }

    private static Running startCluster(String... args) {
        CommandLine tern = TernCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        tern.setOut(new PrintWriter(out, true));
        tern.setErr(new PrintWriter(err, true));
        ClusterCommand command = tern.getSubcommands().get("cluster").getCommand();
        String[] all = new String[args.length + 1];
        all[0] = "cluster";
        System.arraycopy(args, 0, all, 1, args.length);
        return new Running(command, CompletableFuture.supplyAsync(() -> tern.execute(all)), out, err);
    }

    @Test
    void runsEveryNodeUntilStopped(@TempDir Path data) throws Exception {
        int base = freePorts(4);
        int etcdBase = base + 2;
        Running cluster = startCluster("--nodes", "2", "--base-port", Integer.toString(base), "--data", data.toString(),
                "--fsync", "never", "--etcd-base-port", Integer.toString(etcdBase));
        awaitListening(base, cluster);
        awaitListening(base + 1, cluster);
        awaitListening(etcdBase, cluster);
        awaitListening(etcdBase + 1, cluster);
        cluster.command().requestStop();
        assertEquals(0, cluster.exitCode().get(30, TimeUnit.SECONDS), cluster.err().toString());
        String out = cluster.out().toString();
        assertTrue(out.startsWith("tern cluster: 2 nodes, data in " + data + "; use --endpoints 127.0.0.1:" + base
                + ",127.0.0.1:" + (base + 1) + ", etcd clients 127.0.0.1:" + etcdBase + ",127.0.0.1:" + (etcdBase + 1)
                + " (Ctrl-C stops them)" + System.lineSeparator()), out);
        assertTrue(out.lines().skip(1).allMatch(line -> line.startsWith("[node-1] ") || line.startsWith("[node-2] ")), out);
        assertTrue(out.contains("[node-1] ") && out.contains("[node-2] "), out);
        for (int node = 1; node <= 2; node++) {
            // What a node says after SIGTERM must still reach the command's output.
            assertTrue(out.contains("member " + node + " stopping gracefully"), out);
            assertTrue(Pattern.compile("\\[node-" + node + "] .* member " + node + " stopped gracefully in \\d+ ms")
                    .matcher(out).find(), out);
        }
        for (int node = 1; node <= 2; node++) {
            assertTrue(out.contains("member " + node + " serves etcd's v3 API on 127.0.0.1:" + (etcdBase + node - 1)), out);
        }
        assertEquals("", cluster.err().toString());
        assertFalse(listening(base) || listening(base + 1), "the nodes are stopped");
        assertFalse(listening(etcdBase) || listening(etcdBase + 1), "their etcd APIs are stopped");
    }

    @Test
    void aNodeThatExitsStopsTheOthersAndFailsTheCommand(@TempDir Path data) throws Exception {
        int base = freePorts(2);
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", base + 1));
            Running cluster = startCluster("--nodes", "2", "--base-port", Integer.toString(base), "--data", data.toString());
            assertEquals(3, cluster.exitCode().get(60, TimeUnit.SECONDS));
            assertEquals("tern cluster: node-2 exited with code 1; stopping the others" + System.lineSeparator(),
                    cluster.err().toString());
            assertTrue(cluster.out().toString().contains("[node-2] tern server: "), cluster.out().toString());
            assertFalse(listening(base), "node 1 was stopped");
        }
    }

    /** The first of {@code count} consecutive ports that are free now. */
    private static int freePorts(int count) {
        while (true) {
            int base = ThreadLocalRandom.current().nextInt(20_000, 60_000);
            boolean free = true;
            for (int port = base; port < base + count && free; port++) {
                try (ServerSocket probe = new ServerSocket()) {
                    probe.bind(new InetSocketAddress("127.0.0.1", port));
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Polls until a node accepts connections on {@code port} (the JVM and engine take a few seconds to start). */
    private static void awaitListening(int port, Running cluster) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!listening(port)) {
            if (cluster.exitCode().isDone() || System.nanoTime() > deadline) {
                cluster.command().requestStop();
                throw new AssertionError("no node listens on " + port + "; stdout:\n" + cluster.out() + "\nstderr:\n" + cluster.err());
            }
            Thread.sleep(20);
        }
    }
}
