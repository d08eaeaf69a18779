package io.tern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.client.protocol.ReadMode;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.raft.core.Role;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Three nodes in this JVM: forwarding, NOT_LEADER, membership through a follower, and a lost quorum. */
@Timeout(90)
class ClusterRoutingTest {

    @TempDir
    Path data;

    private final List<TernServer> servers = new ArrayList<>();

    @AfterEach
    void stopAll() {
        servers.forEach(TernServer::close);
    }

    private List<TernServer> startCluster(boolean forward) throws InterruptedException {
        SortedMap<Long, String> cluster = TestServers.cluster(3);
        for (long id : cluster.keySet()) {
            servers.add(TernServer.start(TestServers.config(id, data.resolve("node-" + id), cluster, forward)));
        }
        awaitLeader();
        return servers;
    }

    private TernServer awaitLeader() throws InterruptedException {
        TestServers.await("a leader", Duration.ofSeconds(20), () -> servers.stream()
                .anyMatch(s -> !closed(s) && s.node().status().role() == Role.LEADER));
        return servers.stream().filter(s -> !closed(s) && s.node().status().role() == Role.LEADER).findFirst().orElseThrow();
    }

    private final List<TernServer> stopped = new ArrayList<>();

    private boolean closed(TernServer server) {
        return stopped.contains(server);
    }

    /** A follower that knows the leader (one that does not yet would rightly answer UNAVAILABLE). */
    private TernServer aFollower() throws InterruptedException {
        TernServer leader = awaitLeader();
        TernServer follower = servers.stream().filter(s -> s != leader && !closed(s)).findFirst().orElseThrow();
        TestServers.await("the follower to learn the leader", Duration.ofSeconds(10),
                () -> follower.node().status().leaderId() == leader.config().id());
        return follower;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aFollowerForwardsWritesAndLinearizableReadsToTheLeader() throws Exception {
        startCluster(true);
        TernServer follower = aFollower();
        try (RawConnection c = new RawConnection(follower.boundAddress())) {
            var put = assertInstanceOf(Response.PutOk.class, c.call(new Request.Put(7, bytes("k"), bytes("v"))));
            assertEquals(7, put.requestId(), "the forwarded answer keeps the client's requestId");
            var get = assertInstanceOf(Response.GetOk.class, c.call(new Request.Get(8, ReadMode.LINEARIZABLE, 0, bytes("k"))));
            assertEquals("v", new String(get.value(), StandardCharsets.UTF_8));
            var local = assertInstanceOf(Response.GetOk.class,
                    c.call(new Request.Get(9, ReadMode.LOCAL, put.revision(), bytes("k"))));
            assertTrue(local.revision() >= put.revision(), "a LOCAL read waits for minRevision");
            assertInstanceOf(Response.CasOk.class, c.call(new Request.Cas(10, bytes("k"), bytes("v"), bytes("w"))));
            assertInstanceOf(Response.ScanOk.class, c.call(new Request.Scan(11, ReadMode.LINEARIZABLE, 0, new byte[0],
                    new byte[0], 0)));
        }
    }

    @Test
    void withoutForwardingAFollowerNamesTheLeader() throws Exception {
        startCluster(false);
        TernServer leader = awaitLeader();
        TernServer follower = aFollower();
        try (RawConnection c = new RawConnection(follower.boundAddress())) {
            var notLeader = assertInstanceOf(Response.NotLeader.class, c.call(new Request.Put(1, bytes("k"), bytes("v"))));
            assertEquals(leader.config().advertisedAddress(), notLeader.leaderAddress());
            assertInstanceOf(Response.NotLeader.class, c.call(new Request.Get(2, ReadMode.LINEARIZABLE, 0, bytes("k"))));
            assertInstanceOf(Response.NotFound.class, c.call(new Request.Get(3, ReadMode.LOCAL, 0, bytes("k"))),
                    "LOCAL reads are served by any node");
        }
    }

    @Test
    void membershipAndLeadershipChangesWorkThroughAFollower() throws Exception {
        startCluster(true);
        SortedMap<Long, String> joining = new TreeMap<>(servers.getFirst().config().cluster());
        joining.put(4L, "127.0.0.1:" + TestServers.freePort());
        ServerConfig join = TestServers.config(4, data.resolve("node-4"), joining, true).withJoin(true);
        TernServer newcomer = TernServer.start(join);
        servers.add(newcomer);
        TernServer follower = aFollower();
        try (RawConnection c = new RawConnection(follower.boundAddress())) {
            assertInstanceOf(Response.PutOk.class, c.call(new Request.Put(1, bytes("before"), bytes("join"))));
            assertInstanceOf(Response.MemberAddOk.class, c.call(new Request.MemberAdd(2, 4, joining.get(4L), true)));
            TestServers.await("the new member to catch up", Duration.ofSeconds(20), () ->
                    newcomer.node().status().appliedIndex() >= follower.node().status().commitIndex()
                            && newcomer.node().status().members().contains(4));
            try (RawConnection n = new RawConnection(newcomer.boundAddress())) {
                var read = assertInstanceOf(Response.GetOk.class, n.call(new Request.Get(1, ReadMode.LOCAL, 0, bytes("before"))));
                assertEquals("join", new String(read.value(), StandardCharsets.UTF_8));
            }
            assertInstanceOf(Response.TransferOk.class, c.call(new Request.TransferLeader(3, 4)));
            TestServers.await("member 4 to lead", Duration.ofSeconds(10),
                    () -> newcomer.node().status().role() == Role.LEADER);
            assertInstanceOf(Response.MemberRemoveOk.class, c.call(new Request.MemberRemove(4, follower.config().id())));
        }
    }

    @Test
    void withoutAQuorumWritesAreNeverAcknowledged() throws Exception {
        startCluster(true);
        TernServer survivor = aFollower();
        for (TernServer server : servers) {
            if (server != survivor) {
                server.close();
                stopped.add(server);
            }
        }
        try (RawConnection c = new RawConnection(survivor.boundAddress())) {
            for (int i = 1; i <= 5; i++) {
                Response response = c.call(new Request.Put(i, bytes("lost" + i), bytes("v")));
                assertTrue(response instanceof Response.Unavailable || response instanceof Response.Timeout,
                        "a write without a quorum was answered " + response);
            }
        }
    }
}
