package io.tern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.client.protocol.ReadMode;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;
import io.tern.raft.core.Role;
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

/**
 * The strict reconfiguration check seen from a client: MEMBER_ADD, MEMBER_REMOVE and MEMBER_PROMOTE
 * refuse a change that would leave fewer healthy voters than a quorum, or a learner not in sync.
 */
@Timeout(90)
class MembershipGuardTest {

    @TempDir
    Path data;

    private final List<TernServer> servers = new ArrayList<>();

    @AfterEach
    void stopAll() {
        servers.forEach(TernServer::close);
    }

    private TernServer start(long id, SortedMap<Long, String> cluster, boolean join) {
        TernServer server = TernServer.start(
                TestServers.config(id, data.resolve("node-" + id), cluster, true).withJoin(join));
        servers.add(server);
        return server;
    }

    private TernServer awaitLeader() throws InterruptedException {
        TestServers.await("a leader", Duration.ofSeconds(20),
                () -> servers.stream().anyMatch(s -> s.node().status().role() == Role.LEADER));
        return servers.stream().filter(s -> s.node().status().role() == Role.LEADER).findFirst().orElseThrow();
    }

    /** Node 1 alone, leading, and a second address for a node 2 (not started). */
    private SortedMap<Long, String> singleNodeWithRoomForTwo() {
        SortedMap<Long, String> cluster = TestServers.cluster(2);
        start(1, new TreeMap<>(cluster.headMap(2L)), false);
        return cluster;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Membership members(TernServer server) {
        return server.node().status().members();
    }

    @Test
    void aSingleNodeTakesAJoiningNodeAsAVoterOnceItCaughtUp() throws Exception {
        SortedMap<Long, String> cluster = singleNodeWithRoomForTwo();
        TernServer leader = awaitLeader();
        TernServer joiner = start(2, cluster, true);
        try (RawConnection c = new RawConnection(leader.boundAddress())) {
            var put = assertInstanceOf(Response.PutOk.class, c.call(new Request.Put(1, bytes("k"), bytes("v"))));
            var added = assertInstanceOf(Response.MemberAddOk.class,
                    c.call(new Request.MemberAdd(2, 2, cluster.get(2L), true)));
            assertTrue(added.revision() > put.revision());
            assertEquals(List.of(1L, 2L), members(leader).voterIds());
            assertInstanceOf(Response.PutOk.class, c.call(new Request.Put(3, bytes("k"), bytes("w"))),
                    "two voters, both healthy, commit");
        }
        TestServers.await("the new voter to apply the change", Duration.ofSeconds(10),
                () -> members(joiner).voterIds().equals(List.of(1L, 2L)));
    }

    @Test
    void aSingleNodeNeverMakesANodeItCannotReachAVoter() throws Exception {
        SortedMap<Long, String> cluster = singleNodeWithRoomForTwo();
        TernServer leader = awaitLeader();
        try (RawConnection c = new RawConnection(leader.boundAddress())) {
            var refused = assertInstanceOf(Response.Timeout.class,
                    c.call(new Request.MemberAdd(1, 2, cluster.get(2L), true)));
            assertTrue(refused.message().startsWith("member 2 was added as a learner but not made a voter within 3000 ms: "
                    + "learner 2 is not in sync with the leader"), refused.message());
            assertTrue(refused.message().contains("member promote 2"), refused.message());
            assertFalse(refused.message().contains("\n"));
            assertEquals(new Member(2, cluster.get(2L), false), members(leader).member(2).orElseThrow());
            assertEquals(List.of(1L), members(leader).voterIds());
            assertInstanceOf(Response.PutOk.class, c.call(new Request.Put(2, bytes("k"), bytes("v"))),
                    "the lone voter still commits");
            assertInstanceOf(Response.MemberRemoveOk.class, c.call(new Request.MemberRemove(3, 2)));
        }
    }

    @Test
    void aRemovalThatWouldLeaveTooFewHealthyVotersIsRefused() throws Exception {
        SortedMap<Long, String> cluster = TestServers.cluster(3);
        // Node 3 is never started: the leader has never heard from it.
        start(1, cluster, false);
        start(2, cluster, false);
        TernServer leader = awaitLeader();
        long follower = leader.config().id() == 1 ? 2 : 1;
        try (RawConnection c = new RawConnection(leader.boundAddress())) {
            assertInstanceOf(Response.PutOk.class, c.call(new Request.Put(1, bytes("k"), bytes("v"))));
            var refused = assertInstanceOf(Response.Unavailable.class, c.call(new Request.MemberRemove(2, follower)));
            assertEquals("the change would leave 1 healthy voter of 2, below a quorum of 2 (unhealthy cluster)",
                    refused.message());
            assertEquals(List.of(1L, 2L, 3L), members(leader).voterIds());
            assertInstanceOf(Response.MemberRemoveOk.class, c.call(new Request.MemberRemove(3, 3)),
                    "removing the silent voter leaves two healthy ones");
            assertEquals(List.of(1L, 2L), members(leader).voterIds());
        }
    }

    @Test
    void promoteRefusesWhatIsNotALearnerAndALearnerNotInSync() throws Exception {
        SortedMap<Long, String> cluster = singleNodeWithRoomForTwo();
        TernServer leader = awaitLeader();
        try (RawConnection c = new RawConnection(leader.boundAddress())) {
            assertEquals("there is no member 2",
                    assertInstanceOf(Response.BadRequest.class, c.call(new Request.MemberPromote(1, 2))).message());
            assertEquals("member 1 is not a learner, it is already a voter",
                    assertInstanceOf(Response.BadRequest.class, c.call(new Request.MemberPromote(2, 1))).message());
            assertInstanceOf(Response.MemberAddOk.class, c.call(new Request.MemberAdd(3, 2, cluster.get(2L), false)));
            var behind = assertInstanceOf(Response.Unavailable.class, c.call(new Request.MemberPromote(4, 2)));
            assertTrue(behind.message().startsWith("learner 2 is not in sync with the leader: it holds the log up to index 0 of "),
                    behind.message());
            assertFalse(members(leader).member(2).orElseThrow().voter());
        }
    }

    @Test
    void aLearnerThatCaughtUpIsPromotedThroughAnyMember() throws Exception {
        SortedMap<Long, String> cluster = singleNodeWithRoomForTwo();
        TernServer leader = awaitLeader();
        TernServer joiner = start(2, cluster, true);
        try (RawConnection c = new RawConnection(leader.boundAddress())) {
            assertInstanceOf(Response.PutOk.class, c.call(new Request.Put(1, bytes("k"), bytes("v"))));
            assertInstanceOf(Response.MemberAddOk.class, c.call(new Request.MemberAdd(2, 2, cluster.get(2L), false)));
        }
        TestServers.await("the learner to catch up", Duration.ofSeconds(10),
                () -> joiner.node().status().appliedIndex() >= leader.node().status().commitIndex());
        try (RawConnection viaLearner = new RawConnection(joiner.boundAddress())) {
            var promoted = assertInstanceOf(Response.MemberPromoteOk.class,
                    viaLearner.call(new Request.MemberPromote(3, 2)));
            assertTrue(promoted.revision() > 0);
            assertEquals(3, promoted.requestId(), "the forwarded answer keeps the client's requestId");
            var read = assertInstanceOf(Response.GetOk.class,
                    viaLearner.call(new Request.Get(4, ReadMode.LOCAL, promoted.revision(), bytes("k"))));
            assertEquals("v", new String(read.value(), StandardCharsets.UTF_8));
        }
        assertEquals(List.of(1L, 2L), members(leader).voterIds());
    }
}
