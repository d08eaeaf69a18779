package io.tern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.client.LeaseClient;
import io.tern.client.LeaseGrant;
import io.tern.client.LeaseKeepAlive;
import io.tern.client.LeaseNotFoundException;
import io.tern.client.LeaseTimeToLive;
import io.tern.client.RequestRefusedException;
import io.tern.client.TernClient;
import io.tern.client.TernException;
import io.tern.client.protocol.Status;
import io.tern.engine.StorageEngine;
import io.tern.engine.state.Command;
import io.tern.engine.state.CommandResult;
import io.tern.kv.KeyRange;
import io.tern.kv.PutRequest;
import io.tern.kv.RangeRequest;
import io.tern.raft.core.Role;
import io.tern.raft.node.Applied;
import io.tern.server.lease.LeaseTtl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leases end to end on three nodes in this JVM (election timeout 500 ms, so the least TTL is 1 s):
 * revoke, expiry on every member, keep-alives through a leader's death, and a full-cluster restart.
 * Keys are attached through the engine's command path (the key operations' PUT_KV is another change).
 */
@Timeout(120)
class LeaseClusterTest {

    private static final Duration ELECTION_TIMEOUT = Duration.ofMillis(500);

    @TempDir
    Path data;

    private SortedMap<Long, String> cluster;
    private final List<TernServer> servers = new ArrayList<>();
    private final List<AutoCloseable> clients = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        for (AutoCloseable client : clients) {
            client.close();
        }
        servers.forEach(TernServer::close);
    }

    private void startCluster() throws InterruptedException {
        cluster = TestServers.cluster(3);
        for (long id : cluster.keySet()) {
            servers.add(start(id));
        }
        awaitLeader();
    }

    private TernServer start(long id) {
        return TernServer.start(TestServers.config(id, data.resolve("node-" + id), cluster, true));
    }

    private List<TernServer> running() {
        return servers.stream().filter(s -> !stopped.contains(s)).toList();
    }

    private final List<TernServer> stopped = new ArrayList<>();

    private TernServer awaitLeader() throws InterruptedException {
        TestServers.await("a leader", Duration.ofSeconds(20), () -> running().stream()
                .anyMatch(s -> s.node().status().role() == Role.LEADER));
        TernServer leader = running().stream().filter(s -> s.node().status().role() == Role.LEADER).findFirst()
                .orElseThrow();
        TestServers.await("every member to know the leader", Duration.ofSeconds(10), () -> running().stream()
                .allMatch(s -> s.node().status().leaderId() == leader.config().id()));
        return leader;
    }

    private TernServer aFollower() throws InterruptedException {
        TernServer leader = awaitLeader();
        return running().stream().filter(s -> s != leader).findFirst().orElseThrow();
    }

    private LeaseClient leasesAt(TernServer... nodes) {
        List<String> endpoints = new ArrayList<>();
        for (TernServer node : nodes) {
            endpoints.add(node.config().advertisedAddress());
        }
        TernClient client = TernClient.builder().endpoints(endpoints).discoverLeader(false)
                .requestTimeout(Duration.ofSeconds(10)).build();
        clients.add(client);
        return client.leases();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Puts {@code key} attached to {@code lease} through the leader's log, as PUT_KV will. */
    private Applied putWithLease(String key, long lease) throws Exception {
        TernServer leader = awaitLeader();
        return leader.node().propose(new Command.Kv(new PutRequest(bytes(key), bytes("v"), lease, false, false, false))
                .encode()).get(10, TimeUnit.SECONDS);
    }

    private static boolean present(StorageEngine engine, String key, long revision) {
        RangeRequest read = RangeRequest.of(KeyRange.single(bytes(key))).atRevision(revision);
        return !engine.range(read, 1 << 20).response().kvs().isEmpty();
    }

    private static boolean present(TernServer server, String key) {
        return present(server.engine(), key, 0);
    }

    @Test
    void grantsThroughAFollowerAndTheTtlBounds() throws Exception {
        startCluster();
        LeaseClient leases = leasesAt(aFollower());
        LeaseGrant picked = leases.grant(60);
        assertTrue(picked.id() > 0, "the server picked a positive id");
        assertEquals(60, picked.ttlSeconds());
        assertEquals(LeaseTtl.minimumSeconds(ELECTION_TIMEOUT), leases.grant(0).ttlSeconds(), "raised to the minimum");
        LeaseGrant chosen = leases.grant(0x694d77aa9e38260fL, 30);
        assertEquals(0x694d77aa9e38260fL, chosen.id());
        RequestRefusedException exists = assertThrows(RequestRefusedException.class, () -> leases.grant(chosen.id(), 5));
        assertEquals("etcdserver: lease already exists", exists.getMessage());
        RequestRefusedException tooLarge = assertThrows(RequestRefusedException.class,
                () -> leases.grant(LeaseTtl.MAX_SECONDS + 1));
        assertEquals(Status.BAD_REQUEST, tooLarge.status());
        assertEquals("etcdserver: too large lease TTL", tooLarge.getMessage());
        assertEquals(LeaseTtl.MAX_SECONDS, leases.grant(LeaseTtl.MAX_SECONDS).ttlSeconds());
        assertTrue(leases.list().containsAll(List.of(picked.id(), chosen.id())));
        assertEquals(30, leases.keepAliveOnce(chosen.id()), "a keep-alive through a follower reaches the leader");
        LeaseTimeToLive ttl = leases.timeToLive(chosen.id(), false);
        assertEquals(30, ttl.grantedSeconds());
        assertTrue(ttl.remainingSeconds() >= 28 && ttl.remainingSeconds() <= 30, "remaining " + ttl.remainingSeconds());
        LeaseTimeToLive unknown = leases.timeToLive(12345, true);
        assertEquals(-1, unknown.remainingSeconds());
        assertEquals(0, unknown.grantedSeconds());
        LeaseNotFoundException notFound = assertThrows(LeaseNotFoundException.class, () -> leases.keepAliveOnce(12345));
        assertEquals("etcdserver: requested lease not found", notFound.getMessage());
        assertThrows(LeaseNotFoundException.class, () -> leases.revoke(12345));
    }

    @Test
    void revokeDeletesEveryAttachedKeyAtOneRevisionOnEveryMember() throws Exception {
        startCluster();
        LeaseClient leases = leasesAt(aFollower());
        long id = leases.grant(60).id();
        putWithLease("a", id);
        putWithLease("b", id);
        assertEquals(List.of("a", "b"), leases.timeToLive(id, true).keys().stream()
                .map(key -> new String(key, StandardCharsets.UTF_8)).toList());
        long revoked = leases.revoke(id);
        for (TernServer server : running()) {
            TestServers.await("member " + server.config().id() + " to apply the revoke", Duration.ofSeconds(10),
                    () -> server.engine().appliedIndex() >= revoked);
            for (String key : List.of("a", "b")) {
                assertTrue(present(server.engine(), key, revoked - 1), key + " was there just before");
                assertTrue(!present(server.engine(), key, revoked), key + " is gone at the revoke's revision");
            }
        }
        assertTrue(!leases.list().contains(id));
        assertEquals(-1, leases.timeToLive(id, false).remainingSeconds());
    }

    @Test
    void aPutWithAnUnknownLeaseIsRefused() throws Exception {
        startCluster();
        Applied applied = putWithLease("orphan", 0x777);
        CommandResult.Refused refused = assertInstanceOf(CommandResult.Refused.class, applied.result());
        assertEquals(CommandResult.Refusal.LEASE_NOT_FOUND, refused.refusal());
        assertEquals("etcdserver: requested lease not found", refused.message());
        assertTrue(!present(awaitLeader(), "orphan"));
    }

    @Test
    void aLeaseNobodyKeepsAliveExpiresWithinItsTtlPlusAnElectionTimeoutOnEveryMember() throws Exception {
        startCluster();
        LeaseClient leases = leasesAt(awaitLeader());
        long sent = System.nanoTime();
        LeaseGrant lease = leases.grant(2);
        putWithLease("ephemeral", lease.id());
        long bound = TimeUnit.SECONDS.toNanos(lease.ttlSeconds()) + ELECTION_TIMEOUT.toNanos();
        TestServers.await("the key to go on every member", Duration.ofSeconds(15),
                () -> running().stream().noneMatch(s -> present(s, "ephemeral")));
        long gone = System.nanoTime() - sent;
        assertTrue(gone >= TimeUnit.SECONDS.toNanos(lease.ttlSeconds()), "not before its TTL: "
                + TimeUnit.NANOSECONDS.toMillis(gone) + " ms");
        // The bound is the leader's; 500 ms more for the polling above and a busy test machine.
        assertTrue(gone <= bound + TimeUnit.MILLISECONDS.toNanos(500), "within TTL + an election timeout: "
                + TimeUnit.NANOSECONDS.toMillis(gone) + " ms");
        assertEquals(-1, leases.timeToLive(lease.id(), false).remainingSeconds());
    }

    /** What a keep-alive listener heard. */
    private static final class Renewals implements LeaseKeepAlive.Listener {
        final LinkedBlockingQueue<Long> renewed = new LinkedBlockingQueue<>();
        volatile TernException gone;

        @Override
        public void renewed(long leaseId, long ttlSeconds) {
            renewed.add(ttlSeconds);
        }

        @Override
        public void gone(long leaseId, TernException reason) {
            gone = reason;
        }

        void await(int count) throws InterruptedException {
            for (int i = 0; i < count; i++) {
                assertTrue(renewed.poll(10, TimeUnit.SECONDS) != null, "renewal " + i + " of " + count
                        + " did not come; gone: " + gone);
            }
        }
    }

    @Test
    void keptAliveByTheHelperALeaseOutlivesSeveralTtlsAndExpiresOnceLetGo() throws Exception {
        startCluster();
        LeaseClient leases = leasesAt(servers.toArray(TernServer[]::new));
        LeaseGrant lease = leases.grant(1);
        putWithLease("held", lease.id());
        Renewals renewals = new Renewals();
        try (LeaseKeepAlive ignored = leases.keepAlive(lease.id(), renewals)) {
            renewals.await(12); // every third of a second: four TTLs
            assertNull(renewals.gone);
            assertTrue(running().stream().allMatch(s -> present(s, "held")));
        }
        TestServers.await("the key to go once nobody renews it", Duration.ofSeconds(10),
                () -> running().stream().noneMatch(s -> present(s, "held")));
    }

    @Test
    void aLeaseKeptAliveSurvivesTheLeadersDeathWithoutExpiringEarly() throws Exception {
        startCluster();
        LeaseClient leases = leasesAt(servers.toArray(TernServer[]::new));
        LeaseGrant lease = leases.grant(3);
        putWithLease("survivor", lease.id());
        Renewals renewals = new Renewals();
        try (LeaseKeepAlive ignored = leases.keepAlive(lease.id(), renewals)) {
            renewals.await(2);
            TernServer oldLeader = awaitLeader();
            oldLeader.close();
            stopped.add(oldLeader);
            TernServer newLeader = awaitLeader();
            assertTrue(newLeader != oldLeader);
            renewals.await(9); // three TTLs of renewals under the new leader
            assertNull(renewals.gone);
            assertTrue(running().stream().allMatch(s -> present(s, "survivor")), "never expired");
            LeaseTimeToLive ttl = leases.timeToLive(lease.id(), false);
            assertEquals(3, ttl.grantedSeconds());
            assertTrue(ttl.remainingSeconds() >= 1, "renewed by the new leader: " + ttl.remainingSeconds());
        }
    }

    @Test
    void afterAFullClusterRestartALeaseIsThereWithItsFullTtl() throws Exception {
        startCluster();
        LeaseClient before = leasesAt(awaitLeader());
        LeaseGrant lease = before.grant(30);
        putWithLease("durable", lease.id());
        List<TernServer> old = List.copyOf(servers);
        old.forEach(TernServer::close);
        stopped.addAll(old);
        for (long id : cluster.keySet()) {
            servers.add(start(id));
        }
        TernServer leader = awaitLeader();
        LeaseTimeToLive ttl = leasesAt(leader).timeToLive(lease.id(), true);
        assertEquals(30, ttl.grantedSeconds());
        assertTrue(ttl.remainingSeconds() >= 29, "the new leader started its clock afresh: " + ttl.remainingSeconds());
        assertEquals(1, ttl.keys().size());
        assertTrue(present(leader, "durable"));
    }
}
