package io.tern.etcd;

import io.etcd.jetcd.Client;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.tern.engine.FsyncPolicy;
import io.tern.platform.HostPort;
import io.tern.platform.ListenPorts;
import io.tern.raft.core.Role;
import io.tern.server.ServerConfig;
import io.tern.server.TernServer;
import io.tern.server.auth.AuthSettings;
import io.tern.server.auth.PasswordHasher;
import io.tern.verify.cluster.Await;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Tern members started in the test JVM, each with its etcd gateway on a port of its own, and
 * clients of them. Closing it closes the clients, then the gateways, then the members.
 */
final class EtcdMembers implements AutoCloseable {

    /** Small, so that "request is too large" is cheap to provoke. */
    static final int MAX_VALUE_BYTES = 64 * 1024;

    private final List<TernServer> servers = new ArrayList<>();
    private final List<EtcdGateway> gateways = new ArrayList<>();
    private final List<AutoCloseable> clients = new ArrayList<>();
    private final SortedMap<Long, String> cluster = new TreeMap<>();
    private Path data;
    private AuthSettings auth = TEST_AUTH;

    private EtcdMembers() {
    }

    /** {@code count} members of one cluster, once one of them leads. */
    static EtcdMembers start(int count, Path data) {
        return start(count, data, TEST_AUTH);
    }

    /** {@code count} members with these authentication settings (a short token life...), once one leads. */
    static EtcdMembers start(int count, Path data, AuthSettings auth) {
        EtcdMembers members = new EtcdMembers();
        members.data = data;
        members.auth = auth;
        try {
            SortedMap<Long, String> cluster = members.cluster;
            for (long id = 1; id <= count; id++) {
                cluster.put(id, "127.0.0.1:" + ListenPorts.pick());
            }
            for (long id : cluster.keySet()) {
                members.startMember(config(id, data.resolve("node-" + id), cluster).withAuth(auth));
            }
            members.leader();
            return members;
        } catch (RuntimeException | Error e) {
            members.close();
            throw e;
        }
    }

    /**
     * Starts member {@code id} at native {@code address} with {@code --join}, as an operator does after
     * adding it: it waits until the leader brings it up to date. Closed with the others.
     */
    TernServer join(long id, String address) {
        SortedMap<Long, String> joining = new TreeMap<>(cluster);
        joining.put(id, address);
        return startMember(config(id, data.resolve("node-" + id), joining).withJoin(true).withAuth(auth));
    }

    /** Stops {@code member} and its gateway and forgets it (the others go on). */
    void stop(TernServer member) {
        int index = servers.indexOf(member);
        gateways.remove(index).close();
        servers.remove(index).close();
    }

    private TernServer startMember(ServerConfig config) {
        TernServer server = TernServer.start(config);
        servers.add(server);
        gateways.add(EtcdGateway.start(server, new InetSocketAddress("127.0.0.1", 0)));
        return server;
    }

    /** etcd's token life, and the cheapest password hashes: tests authenticate often. */
    static final AuthSettings TEST_AUTH = new AuthSettings(AuthSettings.DEFAULT_TOKEN_TTL, PasswordHasher.MIN_COST);

    /** How often watches that ask for it are told of their progress: short, for the tests to see it. */
    static final Duration WATCH_PROGRESS_INTERVAL = Duration.ofMillis(500);

    /**
     * Short timeouts and no fsync, so that the tests run quickly; values up to {@link #MAX_VALUE_BYTES};
     * progress every {@link #WATCH_PROGRESS_INTERVAL}. No disk reserve, and the disk monitor looks once,
     * at start: with room on the disk it would clear within a second a NOSPACE alarm that a test raises
     * through etcd's API.
     */
    static ServerConfig config(long id, Path data, SortedMap<Long, String> cluster) {
        return new ServerConfig(id, data, cluster, HostPort.parse(cluster.get(id)).resolved(), false,
                Duration.ofMillis(50), Duration.ofMillis(500), FsyncPolicy.NEVER, 100_000, MAX_VALUE_BYTES, true,
                Duration.ofSeconds(3), 100, Duration.ofSeconds(10), 16L * 1024 * 1024, null, null, false, 0,
                Duration.ofHours(1), WATCH_PROGRESS_INTERVAL);
    }

    /** The member that leads, waiting for one (and for every member to know it) if need be. */
    TernServer leader() {
        Await.until("a leader known to every member", Duration.ofSeconds(20), () -> {
            long leaders = servers.stream().filter(s -> s.node().status().role() == Role.LEADER).count();
            long leaderId = servers.getFirst().node().status().leaderId();
            return leaders == 1 && servers.stream().allMatch(s -> s.node().status().leaderId() == leaderId && leaderId != 0);
        });
        return servers.stream().filter(s -> s.node().status().role() == Role.LEADER).findFirst().orElseThrow();
    }

    /** The members that do not lead now. */
    List<TernServer> followers() {
        TernServer leader = leader();
        return servers.stream().filter(s -> s != leader).toList();
    }

    /** Every running member, in the order they started. */
    List<TernServer> servers() {
        return List.copyOf(servers);
    }

    TernServer server(int index) {
        return servers.get(index);
    }

    TernServer only() {
        return servers.getFirst();
    }

    /** jetcd, as an application would use it, talking to {@code member}'s etcd address alone. */
    Client jetcd(TernServer member) {
        Client client = Client.builder().endpoints("http://" + etcdAddress(member)).build();
        clients.add(client);
        return client;
    }

    /** jetcd authenticating as {@code user} (it sends the token it gets with every call), at {@code member} alone. */
    Client jetcd(TernServer member, String user, String password) {
        Client client = Client.builder().endpoints("http://" + etcdAddress(member))
                .user(EtcdKvTest.b(user)).password(EtcdKvTest.b(password)).build();
        clients.add(client);
        return client;
    }

    /**
     * A plain gRPC channel to {@code member}'s etcd address, for the requests jetcd's API cannot
     * make (ignore_value, lease and range compares...): used with jetcd's own generated stubs, so
     * that the bytes on the wire still come from etcd's proto files, not ours.
     */
    ManagedChannel channel(TernServer member) {
        ManagedChannel channel = ManagedChannelBuilder.forTarget(etcdAddress(member)).usePlaintext().build();
        clients.add(() -> channel.shutdownNow());
        return channel;
    }

    String etcdAddress(TernServer member) {
        InetSocketAddress address = gateways.get(servers.indexOf(member)).boundAddress();
        return address.getHostString() + ":" + address.getPort();
    }

    /** Stops {@code member}'s etcd gateway; the member goes on. */
    void stopGateway(TernServer member) {
        gateways.get(servers.indexOf(member)).close();
    }

    /** The native endpoint of {@code member}, for a {@code TernClient}. */
    static String nativeAddress(TernServer member) {
        return member.config().advertisedAddress();
    }

    @Override
    public void close() {
        for (AutoCloseable client : clients) {
            try {
                client.close();
            } catch (Exception e) {
                // The members go away next anyway.
            }
        }
        gateways.forEach(EtcdGateway::close);
        servers.forEach(TernServer::close);
    }
}
