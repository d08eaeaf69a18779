package io.tern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.client.RequestRefusedException;
import io.tern.client.TernClient;
import io.tern.client.protocol.BatchOp;
import io.tern.client.protocol.ReadMode;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.client.protocol.Status;
import io.tern.engine.state.Alarm;
import io.tern.server.metrics.MemberHealth;
import io.tern.raft.core.Role;
import io.tern.raft.node.FatalFailureListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes in this JVM, member 2 with a reserve no disk can meet: its NOSPACE alarm goes through
 * the log to every member, which then refuse new writes with NO_SPACE while deletes, reads and
 * snapshots go on; the alarm survives a restart, and clears once member 2 has room again.
 */
@Timeout(90)
class NoSpaceAlarmTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path data;

    private final SortedMap<Long, String> cluster = TestServers.cluster(3);
    private final Map<Long, TernServer> servers = new TreeMap<>();

    @AfterEach
    void stopAll() {
        servers.values().forEach(TernServer::close);
    }

    private TernServer start(long id, long diskReserveBytes) {
        ServerConfig config = config(id, diskReserveBytes, true);
        return started(TernServer.start(config, FatalFailureListener.NONE,
                DiskSpaceMonitor.freeSpaceOf(config.dataDirectory())));
    }

    private ServerConfig config(long id, long diskReserveBytes, boolean forward) {
        ServerConfig base = TestServers.config(id, data.resolve("node-" + id), cluster, forward);
        return new ServerConfig(base.id(), base.dataDirectory(), base.cluster(), base.listen(), base.join(),
                base.heartbeat(), base.electionTimeout(), base.fsync(), base.snapshotEntries(), base.maxValueBytes(),
                base.forward(), base.requestTimeout(), base.maxConnections(), base.stallTimeout(),
                base.maxPendingOutputBytes(), base.clusterId(), base.logRollCycle(), base.staleReadsForTesting(),
                diskReserveBytes, Duration.ofMillis(50));
    }

    private TernServer started(TernServer server) {
        servers.put(server.config().id(), server);
        return server;
    }

    private void awaitAlarmsEverywhere(List<Alarm> expected) throws InterruptedException {
        for (TernServer server : servers.values()) {
            TestServers.await("member " + server.config().id() + " to see alarms " + expected, WAIT,
                    () -> server.engine().alarms().stream().map(a -> a.memberId() + "/" + a.type()).toList()
                            .equals(expected.stream().map(a -> a.memberId() + "/" + a.type()).toList()));
        }
    }

    /**
     * A leader that every started member knows: a follower that has not yet heard the new leader's
     * first heartbeat answers UNAVAILABLE to what it must forward.
     */
    private TernServer awaitLeader() throws InterruptedException {
        TestServers.await("a leader", WAIT, () -> servers.values().stream()
                .anyMatch(s -> s.node().status().role() == Role.LEADER));
        TernServer leader = servers.values().stream().filter(s -> s.node().status().role() == Role.LEADER)
                .findFirst().orElseThrow();
        TestServers.await("every member to know the leader", WAIT, () -> servers.values().stream()
                .allMatch(s -> s.node().status().leaderId() == leader.config().id()));
        return leader;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aMemberBelowItsReserveStopsNewWritesEverywhereUntilItHasRoomAgain() throws Exception {
        start(1, 0);
        start(2, Long.MAX_VALUE);
        start(3, 0);
        TernServer leader = awaitLeader();
        awaitAlarmsEverywhere(List.of(new Alarm(2, Alarm.Type.NOSPACE, "")));
        String detail = servers.get(2L).engine().alarms().getFirst().detail();
        MemberHealth.Verdict alarmed = new MemberHealth.Verdict(false, "alarm NOSPACE raised by member 2");
        TestServers.await("every member unhealthy for the alarm", Duration.ofSeconds(10),
                () -> servers.values().stream().allMatch(server -> server.health().check().equals(alarmed)));
        assertTrue(detail.startsWith("member 2's data directory " + data.resolve("node-2") + " has ")
                && detail.endsWith(" free, below the 8192.0 PiB reserve"), detail);

        for (TernServer node : servers.values()) {
            try (RawConnection c = new RawConnection(node.boundAddress())) {
                var put = assertInstanceOf(Response.NoSpace.class, c.call(new Request.Put(1, bytes("k"), bytes("v"))),
                        "a put at member " + node.config().id());
                assertTrue(put.message().startsWith("NOSPACE alarm: member 2's data directory"), put.message());
                assertTrue(put.message().endsWith("only deletes and reads are served until there is room again"),
                        put.message());
                assertInstanceOf(Response.NoSpace.class, c.call(new Request.Cas(2, bytes("k"), null, bytes("v"))));
                assertInstanceOf(Response.NoSpace.class, c.call(new Request.Batch(3, List.of(
                        new BatchOp.Delete(bytes("a")), new BatchOp.Put(bytes("b"), bytes("1"))))));
                assertInstanceOf(Response.DeleteOk.class, c.call(new Request.Delete(4, bytes("k"))));
                assertInstanceOf(Response.CasMismatch.class, c.call(new Request.Cas(5, bytes("k"), bytes("x"), null)),
                        "a CAS that deletes is served");
                assertInstanceOf(Response.BatchOk.class, c.call(new Request.Batch(6, List.of(new BatchOp.Delete(bytes("a"))))));
                assertInstanceOf(Response.NotFound.class, c.call(new Request.Get(7, ReadMode.LINEARIZABLE, 0, bytes("k"))));
                var status = assertInstanceOf(Response.StatusOk.class, c.call(new Request.Status(8)));
                assertTrue(status.json().contains("\"alarms\":[{\"memberId\":2,\"alarm\":\"NOSPACE\",\"detail\":\"member 2's"),
                        status.json());
                assertTrue(status.json().contains("\"healthy\":false,\"healthReason\":\"alarm NOSPACE raised by member 2\""),
                        "no member is healthy while the cluster refuses writes: " + status.json());
            }
        }
        try (RawConnection c = new RawConnection(leader.boundAddress())) {
            assertInstanceOf(Response.SnapshotOk.class, c.call(new Request.Snapshot(9)), "compaction goes on");
        }
        try (TernClient client = TernClient.builder().endpoints(List.of(cluster.get(1L))).build()) {
            var refused = assertThrows(RequestRefusedException.class, () -> client.put(bytes("k"), bytes("v")));
            assertEquals(Status.NO_SPACE, refused.status());
        }

        servers.remove(3L).close();
        start(3, 0);
        awaitAlarmsEverywhere(List.of(new Alarm(2, Alarm.Type.NOSPACE, "")));

        servers.remove(2L).close();
        start(2, 0);
        awaitAlarmsEverywhere(List.of());
        TestServers.await("every member healthy once the alarm is cleared", Duration.ofSeconds(10),
                () -> servers.values().stream().allMatch(server -> server.health().check().healthy()));
        try (TernClient client = TernClient.builder().endpoints(List.of(cluster.get(3L))).build()) {
            client.put(bytes("k"), bytes("after"));
            assertEquals("after", new String(client.get(bytes("k")).value(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void removingADeadMemberWithAFullDiskLetsWritesThroughAgain() throws Exception {
        start(1, 0);
        start(2, Long.MAX_VALUE);
        start(3, 0);
        awaitLeader();
        awaitAlarmsEverywhere(List.of(new Alarm(2, Alarm.Type.NOSPACE, "")));

        servers.remove(2L).close();
        try (TernClient client = TernClient.builder().endpoints(List.of(cluster.get(1L))).build()) {
            client.memberRemove(2);
            awaitAlarmsEverywhere(List.of());
            client.put(bytes("k"), bytes("after member 2 left"));
            assertEquals("after member 2 left", new String(client.get(bytes("k")).value(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void anAlarmAboutAnIdThatIsNoMemberIsRefused() throws Exception {
        start(1, 0);
        start(2, 0);
        start(3, 0);
        awaitLeader();
        for (TernServer node : servers.values()) {
            try (RawConnection c = new RawConnection(node.boundAddress())) {
                var refused = assertInstanceOf(Response.BadRequest.class,
                        c.call(new Request.Alarm(1, true, 9, Request.Alarm.NOSPACE, "nine is full")),
                        "raising at member " + node.config().id());
                assertEquals("there is no member 9", refused.message());
                assertInstanceOf(Response.BadRequest.class,
                        c.call(new Request.Alarm(2, false, 9, Request.Alarm.NOSPACE, "")));
                assertInstanceOf(Response.PutOk.class, c.call(new Request.Put(3, bytes("k"), bytes("v"))),
                        "no alarm was raised");
            }
        }
        for (TernServer server : servers.values()) {
            assertEquals(List.of(), server.engine().alarms());
        }
    }

    @Test
    void aFollowerRaisesItsAlarmThroughTheLeaderEvenWithForwardingOff() throws Exception {
        long reserve = 1L << 20;
        Map<Long, AtomicLong> free = new TreeMap<>();
        for (long id : cluster.keySet()) {
            free.put(id, new AtomicLong(1L << 30));
            AtomicLong own = free.get(id);
            started(TernServer.start(config(id, reserve, false), FatalFailureListener.NONE, own::get));
        }
        TernServer leader = awaitLeader();
        long follower = servers.keySet().stream().filter(id -> id != leader.config().id()).findFirst().orElseThrow();

        free.get(follower).set(reserve - 1);
        awaitAlarmsEverywhere(List.of(new Alarm(follower, Alarm.Type.NOSPACE, "")));
        try (RawConnection c = new RawConnection(leader.boundAddress())) {
            assertInstanceOf(Response.NoSpace.class, c.call(new Request.Put(1, bytes("k"), bytes("v"))));
        }

        free.get(follower).set(reserve);
        awaitAlarmsEverywhere(List.of());
    }
}
