package io.tern.etcd;

import io.etcd.jetcd.Client;
import io.tern.platform.HostPort;
import io.tern.platform.ListenPorts;
import io.tern.server.TernServer;
import io.tern.verify.cluster.Await;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Tern members each in a JVM of its own, with its etcd gateway, for tests that kill one for real
 * (SIGKILL, no shutdown of any kind). Each child runs {@link #main}: the member and gateway
 * {@link EtcdMembers} would start in-process, with the same config, on the ports it is given. Their
 * output goes to {@code node-N.log} in the test's directory. Closing kills whatever still runs.
 */
final class EtcdProcessMembers implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final SortedMap<Long, Process> processes = new TreeMap<>();
    private final SortedMap<Long, String> etcdAddresses = new TreeMap<>();
    private final List<Client> clients = new ArrayList<>();

    private EtcdProcessMembers() {
    }

    /** {@code count} members of one cluster, once each serves etcd's API and a linearizable read succeeds. */
    static EtcdProcessMembers start(int count, Path dir) throws IOException {
        EtcdProcessMembers members = new EtcdProcessMembers();
        try {
            SortedMap<Long, String> cluster = new TreeMap<>();
            for (long id = 1; id <= count; id++) {
                cluster.put(id, "127.0.0.1:" + ListenPorts.pick());
                members.etcdAddresses.put(id, "127.0.0.1:" + ListenPorts.pick());
            }
            String clusterSpec = cluster.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(","));
            for (long id : cluster.keySet()) {
                members.processes.put(id, launch(id, dir, clusterSpec, members.etcdAddresses.get(id)));
            }
            for (long id : cluster.keySet()) {
                InetSocketAddress address = HostPort.parse(members.etcdAddresses.get(id)).resolved();
                Await.until("member " + id + "'s etcd address to take connections", START_TIMEOUT,
                        () -> accepts(address));
            }
            Client any = members.jetcd(cluster.keySet().stream().mapToLong(Long::longValue).toArray());
            Await.until("a leader to answer a linearizable read", START_TIMEOUT, () -> {
                try {
                    any.getKVClient().get(EtcdKvTest.b("any")).get(2, TimeUnit.SECONDS);
                    return true;
                } catch (Exception e) {
                    return false;
                }
            });
            return members;
        } catch (IOException | RuntimeException | Error e) {
            members.close();
            throw e;
        }
    }

    private static Process launch(long id, Path dir, String clusterSpec, String etcdAddress) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        String flags = System.getProperty("tern.test.jvmArgs", "");
        command.addAll(Arrays.stream(flags.split("\\s+")).filter(f -> !f.isBlank()).toList());
        command.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"), EtcdProcessMembers.class.getName(),
                Long.toString(id), dir.resolve("node-" + id).toString(), clusterSpec, etcdAddress));
        Path log = dir.resolve("node-" + id + ".log");
        Files.createDirectories(dir);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** jetcd given the etcd addresses of {@code ids}, as an application given several endpoints. */
    Client jetcd(long... ids) {
        String[] endpoints = Arrays.stream(ids).mapToObj(id -> "http://" + etcdAddresses.get(id)).toArray(String[]::new);
        Client client = Client.builder().endpoints(endpoints).build();
        clients.add(client);
        return client;
    }

    List<Long> ids() {
        return List.copyOf(processes.keySet());
    }

    /** SIGKILL: the member gets no chance to close anything. */
    void kill(long id) throws InterruptedException {
        Process process = processes.get(id);
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("member " + id + " did not die");
        }
    }

    @Override
    public void close() {
        clients.forEach(Client::close);
        for (Process process : processes.values()) {
            process.destroyForcibly();
        }
        for (Process process : processes.values()) {
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static boolean accepts(InetSocketAddress address) {
        try (Socket socket = new Socket()) {
            socket.connect(address, 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A child: {@code ID DATA_DIR ID=HOST:PORT,... ETCD_HOST:PORT}; runs until killed. */
    public static void main(String[] args) throws InterruptedException {
        long id = Long.parseLong(args[0]);
        SortedMap<Long, String> cluster = new TreeMap<>();
        for (String member : args[2].split(",")) {
            String[] idAndAddress = member.split("=", 2);
            cluster.put(Long.parseLong(idAndAddress[0]), idAndAddress[1]);
        }
        TernServer server = TernServer.start(EtcdMembers.config(id, Path.of(args[1]), cluster));
        EtcdGateway.start(server, HostPort.parse(args[3]).resolved());
        server.awaitTermination();
    }
}
