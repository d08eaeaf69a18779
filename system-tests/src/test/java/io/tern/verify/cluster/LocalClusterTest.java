package io.tern.verify.cluster;

import io.tern.chaos.FaultProxy;
import io.tern.client.ServerStatus;
import io.tern.client.TernClient;
import io.tern.client.TernException;
import io.tern.client.protocol.ReadMode;
import io.tern.verify.api.EtcdApiClient;
import io.tern.verify.history.Call;
import io.tern.verify.history.Outcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One 3-node {@link LocalCluster} of real processes behind proxies, shared by every test: each test
 * starts from a healthy cluster ({@link #healthy()}) and leaves it to the next one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalClusterTest {

    static final Duration ELECTION = Duration.ofSeconds(20);

    @TempDir
    static Path dir;

    LocalCluster cluster;
    int crashesSoFar;

    @RegisterExtension
    final AfterTestExecutionCallback logsOnFailure = context -> context.getExecutionException().ifPresent(failure -> {
        if (cluster != null) {
            String logs = cluster.describe();
            System.out.println(context.getDisplayName() + " failed:" + logs);
            failure.addSuppressed(new AssertionError(logs));
        }
    });

    @BeforeAll
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void startCluster() {
        cluster = LocalCluster.start(dir.resolve("cluster"), new LocalCluster.Config().nodes(3).proxySeed(42)
                .fsync("never").etcdApi(true));
    }

    @AfterAll
    void closeCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void healthy() {
        for (int id : cluster.allNodeIds()) {
            cluster.proxy(id).clearFaults();
        }
        for (int id : cluster.nodeIds()) {
            if (cluster.isPaused(id)) {
                cluster.resume(id);
            }
            if (!cluster.isRunning(id)) {
                cluster.restart(id);
            }
        }
        cluster.awaitLeader(ELECTION);
    }

    @AfterEach
    void noCrash() {
        assertEquals(crashesSoFar, cluster.unexpectedExits().size(), () -> "a node crashed: " + cluster.unexpectedExits());
    }

    @Test
    void threeNodesBehindProxiesElectALeaderAndServe() {
        assertEquals(List.of(1, 2, 3), cluster.nodeIds());
        int leader = cluster.awaitLeader(ELECTION);
        ServerStatus status = cluster.status(leader).orElseThrow();
        assertEquals(List.of(1L, 2L, 3L), status.voterIds());
        for (int id : cluster.nodeIds()) {
            FaultProxy proxy = cluster.proxy(id);
            String advertised = proxy.localAddress().getAddress().getHostAddress() + ":" + proxy.localAddress().getPort();
            assertEquals(advertised, cluster.endpoint(id), "clients and peers are given the proxy's address");
            assertNotEquals(cluster.endpoint(id), cluster.listenAddress(id));
            assertEquals(advertised, status.members().stream().filter(m -> m.id() == id).findFirst().orElseThrow()
                    .address(), "the configuration holds the proxy's address");
        }
        try (TernClient client = client(cluster.endpoints())) {
            client.put(bytes("hello"), bytes("world"));
            assertArrayEquals(bytes("world"), client.get(bytes("hello")).value());
        }
        int follower = follower(leader);
        assertTrue(cluster.proxy(follower).bytesForwarded(FaultProxy.Direction.TO_UPSTREAM) > 0,
                "peer traffic to a follower passes its proxy");
    }

    /** verify --api etcd: a node's etcd port is behind its proxy too, so a partition cuts etcd clients off as well. */
    @Test
    void aNodesEtcdApiIsBehindItsProxyAndSharesItsFaults() {
        int leader = cluster.awaitLeader(ELECTION);
        int follower = follower(leader);
        String etcd = cluster.etcdEndpoint(follower);
        assertNotEquals(cluster.endpoint(follower), etcd);
        assertEquals(3, cluster.etcdEndpoints().size());
        try (EtcdApiClient client = EtcdApiClient.connect(List.of(etcd), Duration.ofSeconds(1))) {
            // A follower restarted by an earlier test may not know the leader yet: it refuses ("no leader").
            Await.until("a write through the follower's etcd port", ELECTION,
                    () -> client.execute(new Call.Put("etcd-route", "v1")).outcome() instanceof Outcome.Written);
            assertEquals(new Outcome.ValueRead("v1"),
                    client.execute(new Call.Get("etcd-route", ReadMode.LINEARIZABLE)).outcome());

            cluster.proxy(follower).partition();
            assertInstanceOf(Outcome.Unknown.class, client.execute(new Call.Put("etcd-route", "v2")).outcome(),
                    "a write through a cut-off node's etcd port gets no answer");

            cluster.proxy(follower).heal();
            cluster.proxy(follower).resetConnections();
            Await.until("the etcd port to answer again", ELECTION, () -> client.execute(
                    new Call.Get("etcd-route", ReadMode.LINEARIZABLE)).outcome() instanceof Outcome.ValueRead);
        }
    }

    @Test
    void aKilledFollowerRestartsAndCatchesUp() {
        int leader = cluster.awaitLeader(ELECTION);
        int follower = follower(leader);
        long pid = cluster.pid(follower);
        cluster.kill9(follower);
        assertFalse(cluster.isRunning(follower));
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        long revision;
        // Not through the dead node's proxy: it accepts and then drops a connection, so a write sent
        // there would end with an unknown outcome.
        try (TernClient client = client(List.of(cluster.endpoint(leader)))) {
            revision = client.put(bytes("while-down"), bytes("x"));
        }
        cluster.restart(follower);
        assertTrue(cluster.isRunning(follower));
        awaitApplied(follower, revision);
        assertEquals(crashesSoFar, cluster.unexpectedExits().size(), "a kill by the cluster is no crash");
    }

    @Test
    void aPausedLeaderIsReplacedAndRejoinsAsFollowerWhenResumed() {
        int old = cluster.awaitLeader(ELECTION);
        cluster.pause(old);
        assertTrue(cluster.isPaused(old));
        assertTrue(cluster.isRunning(old), "a paused process is alive");
        assertEquals(Optional.empty(), cluster.status(old), "a paused node answers nothing");
        int next = cluster.awaitLeader(ELECTION, id -> id != old);
        cluster.resume(old);
        assertFalse(cluster.isPaused(old));
        Await.until("the old leader to follow " + next, ELECTION, () -> cluster.status(old)
                .map(s -> s.role().equals("FOLLOWER") && s.leaderId() != old && s.leaderId() != 0).orElse(false));
    }

    @Test
    void aPartitionedLeaderIsReplacedAndCatchesUpAfterTheHeal() {
        int old = cluster.awaitLeader(ELECTION);
        cluster.proxy(old).partition();
        int next = cluster.awaitLeader(ELECTION, id -> id != old);
        long revision;
        try (TernClient client = client(List.of(cluster.endpoint(next)))) {
            revision = client.put(bytes("during-partition"), bytes("y"));
        }
        cluster.proxy(old).heal();
        cluster.proxy(old).resetConnections();
        awaitApplied(old, revision);
        long commit = cluster.awaitCaughtUp(ELECTION);
        assertTrue(commit >= revision);
        assertEquals("FOLLOWER", cluster.status(old).orElseThrow().role(),
                "pre-vote and check-quorum keep the healed node from deposing the new leader");
    }

    @Test
    void aLeaderThatHearsNothingIsReplaced() {
        int old = cluster.awaitLeader(ELECTION);
        cluster.proxy(old).blackhole(FaultProxy.Direction.TO_UPSTREAM);
        cluster.awaitLeader(ELECTION, id -> id != old);
        cluster.proxy(old).heal();
        cluster.proxy(old).resetConnections();
        cluster.awaitCaughtUp(ELECTION);
    }

    @Test
    void aFollowerWhoseAnswersAreLostStillReplicates() {
        int leader = cluster.awaitLeader(ELECTION);
        int follower = follower(leader);
        cluster.proxy(follower).blackhole(FaultProxy.Direction.FROM_UPSTREAM);
        try (TernClient cutOff = TernClient.builder().endpoints(List.of(cluster.endpoint(follower)))
                .discoverLeader(false).requestTimeout(Duration.ofMillis(1_500)).build()) {
            assertThrows(TernException.class, () -> cutOff.put(bytes("lost-answer"), bytes("z")),
                    "a client of the follower hears no answer");
        }
        long revision;
        try (TernClient client = client(List.of(cluster.endpoint(leader)))) {
            revision = client.put(bytes("one-way"), bytes("z"));
        }
        awaitApplied(follower, revision);
        cluster.proxy(follower).heal();
        cluster.proxy(follower).resetConnections();
    }

    @Test
    void aNewNodeJoinsAndIsRemovedAgain() {
        int added = cluster.addNode();
        assertEquals(4, added);
        assertEquals(List.of(1, 2, 3, 4), cluster.nodeIds());
        int leader = cluster.awaitLeader(ELECTION);
        assertTrue(cluster.status(leader).orElseThrow().hasVoter(added));
        long revision;
        try (TernClient client = client(cluster.endpoints())) {
            revision = client.put(bytes("with-four"), bytes("4"));
        }
        awaitApplied(added, revision);

        cluster.removeNode(added);
        assertFalse(cluster.isRunning(added));
        assertEquals(List.of(1, 2, 3), cluster.nodeIds());
        int after = cluster.awaitLeader(ELECTION);
        assertFalse(cluster.status(after).orElseThrow().hasMember(added));
    }

    @Test
    void aRemovedFollowerRejoinsWithItsData() {
        int leader = cluster.awaitLeader(ELECTION);
        int follower = follower(leader);
        cluster.removeNode(follower);
        assertFalse(cluster.isRunning(follower));
        assertFalse(cluster.nodeIds().contains(follower));
        long revision;
        try (TernClient client = client(List.of(cluster.endpoint(cluster.awaitLeader(ELECTION))))) {
            revision = client.put(bytes("while-removed"), bytes("r"));
        }
        cluster.rejoinNode(follower);
        assertTrue(cluster.nodeIds().contains(follower));
        awaitApplied(follower, revision);
        assertTrue(cluster.status(cluster.awaitLeader(ELECTION)).orElseThrow().hasVoter(follower));
    }

    @Test
    void everyNodeConvergesToTheSameState() {
        try (TernClient client = client(List.of(cluster.endpoint(cluster.awaitLeader(ELECTION))))) {
            for (int i = 0; i < 1_500; i++) {
                client.put(bytes(String.format("converge-%05d", i)), bytes("v" + i)); // over one SCAN page
            }
        }
        long commit = cluster.awaitCaughtUp(ELECTION);
        var digests = cluster.digests(commit);
        assertEquals(cluster.nodeIds(), List.copyOf(digests.keySet()));
        StateDigest first = digests.values().iterator().next();
        assertTrue(first.keys() >= 1_500, first::toString);
        for (StateDigest digest : digests.values()) {
            assertTrue(digest.stable(), digest::toString);
            assertTrue(digest.sameStateAs(first), () -> digests.toString());
        }
        try (TernClient client = client(List.of(cluster.endpoint(cluster.awaitLeader(ELECTION))))) {
            long revision = client.put(bytes("converge-00000"), bytes("changed"));
            cluster.awaitCaughtUp(ELECTION);
            StateDigest changed = cluster.digest(first.id(), revision);
            assertFalse(changed.sameStateAs(first), "a changed value changes the digest");
            assertEquals(first.keys(), changed.keys());
        }
    }

    @Test
    void leadershipMovesWhereAsked() {
        int leader = cluster.awaitLeader(ELECTION);
        int target = follower(leader);
        cluster.transferLeader(target);
        assertEquals(target, cluster.awaitLeader(ELECTION, id -> id == target));
        assertTrue(cluster.snapshot(target) >= 0);
    }

    @Test
    void aNodeThatDiesOnItsOwnIsReportedAsCrashed() {
        int leader = cluster.awaitLeader(ELECTION);
        int follower = follower(leader);
        ProcessHandle.of(cluster.pid(follower)).orElseThrow().destroyForcibly();
        Await.until("the crash to be noticed", ELECTION, () -> cluster.exitedUnexpectedly().contains(follower));
        crashesSoFar = cluster.unexpectedExits().size();
        cluster.restart(follower);
        assertEquals(List.of(follower), cluster.exitedUnexpectedly(), "a restart does not hide the crash");
    }

    @Test
    void anExternalClusterSeesTheSameLeaderButControlsNoProcess() {
        try (ExternalCluster external = ExternalCluster.attach(cluster.endpoints(), ELECTION)) {
            assertEquals(List.of(1, 2, 3), external.nodeIds());
            assertFalse(external.controlsProcesses());
            assertFalse(external.controlsNetwork());
            int leader = cluster.awaitLeader(ELECTION);
            assertEquals(leader, external.awaitLeader(ELECTION));
            assertThrows(UnsupportedOperationException.class, () -> external.kill9(leader));
            assertThrows(UnsupportedOperationException.class, () -> external.pause(leader));
            assertThrows(UnsupportedOperationException.class, () -> external.proxy(leader));
            assertThrows(UnsupportedOperationException.class, external::addNode);
            int target = follower(leader);
            external.transferLeader(target);
            assertEquals(target, external.awaitLeader(ELECTION, id -> id == target));
        }
    }

    // ---- helpers ----

    private int follower(int leader) {
        return cluster.nodeIds().stream().filter(id -> id != leader).findFirst().orElseThrow();
    }

    private void awaitApplied(int id, long index) {
        Await.until("node " + id + " to apply " + index, ELECTION,
                () -> cluster.status(id).map(s -> s.appliedIndex() >= index).orElse(false));
    }

    private static TernClient client(List<String> endpoints) {
        return TernClient.builder().endpoints(endpoints).requestTimeout(Duration.ofSeconds(15)).build();
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
