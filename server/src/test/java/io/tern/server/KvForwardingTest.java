package io.tern.server;

import static io.tern.server.KvOperationsTest.b;
import static io.tern.server.KvOperationsTest.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.client.protocol.KvRequest;
import io.tern.client.protocol.KvResponse;
import io.tern.client.protocol.ReadMode;
import io.tern.client.protocol.Response;
import io.tern.kv.Compare;
import io.tern.kv.DeleteRangeRequest;
import io.tern.kv.DeleteRangeResponse;
import io.tern.kv.KeyRange;
import io.tern.kv.PutRequest;
import io.tern.kv.RangeRequest;
import io.tern.kv.RangeResponse;
import io.tern.kv.TxnRequest;
import io.tern.kv.TxnResponse;
import io.tern.raft.core.Role;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The key operations through a follower of three nodes: taken there (writes handed to the leader over the members' channel), served locally, or NOT_LEADER. */
@Timeout(90)
class KvForwardingTest {

    @TempDir
    Path data;

    private final List<TernServer> servers = new ArrayList<>();

    @AfterEach
    void stopAll() {
        servers.forEach(TernServer::close);
    }

    private TernServer followerOfACluster(boolean forward) throws InterruptedException {
        SortedMap<Long, String> cluster = TestServers.cluster(3);
        for (long id : cluster.keySet()) {
            servers.add(TernServer.start(TestServers.config(id, data.resolve("node-" + id), cluster, forward)));
        }
        TestServers.await("a leader", Duration.ofSeconds(20),
                () -> servers.stream().anyMatch(s -> s.node().status().role() == Role.LEADER));
        TernServer leader = servers.stream().filter(s -> s.node().status().role() == Role.LEADER).findFirst().orElseThrow();
        TernServer follower = servers.stream().filter(s -> s != leader).findFirst().orElseThrow();
        TestServers.await("the follower to learn the leader", Duration.ofSeconds(10),
                () -> follower.node().status().leaderId() == leader.config().id());
        return follower;
    }

    @Test
    void aFollowerTakesWritesAndLinearizableRangesItselfAndServesLocalOnes() throws Exception {
        TernServer follower = followerOfACluster(true);
        long forwardedBefore = follower.forwardedRequests();
        try (RawConnection c = new RawConnection(follower.boundAddress())) {
            var put = assertInstanceOf(KvResponse.OpOk.class,
                    c.call(new KvRequest.Write(1, PutRequest.of(b("f/k"), b("v1")))));
            var read = assertInstanceOf(KvResponse.OpOk.class, c.call(new KvRequest.Range(2, ReadMode.LINEARIZABLE, 0,
                    RangeRequest.of(KeyRange.single(b("f/k"))))));
            assertTrue(read.revision() >= put.revision());
            assertEquals("v1", s(((RangeResponse) read.response()).kvs().getFirst().value()));
            var local = assertInstanceOf(KvResponse.OpOk.class, c.call(new KvRequest.Range(3, ReadMode.LOCAL,
                    put.revision(), RangeRequest.of(KeyRange.single(b("f/k"))))));
            assertEquals(put.revision(), ((RangeResponse) local.response()).kvs().getFirst().modRevision());

            var txn = assertInstanceOf(KvResponse.OpOk.class, c.call(new KvRequest.Write(4, new TxnRequest(
                    List.of(Compare.value(b("f/k"), Compare.Result.EQUAL, b("v1"))),
                    List.of(PutRequest.of(b("f/k"), b("v2"))), List.of()))));
            assertTrue(((TxnResponse) txn.response()).succeeded());
            var deleted = assertInstanceOf(KvResponse.OpOk.class,
                    c.call(new KvRequest.Write(5, new DeleteRangeRequest(KeyRange.prefix(b("f/")), true))));
            assertEquals("v2", s(((DeleteRangeResponse) deleted.response()).prevKvs().getFirst().value()));
            assertInstanceOf(KvResponse.CompactOk.class, c.call(new KvRequest.Compact(6, put.revision())));
            var compacted = assertInstanceOf(Response.Compacted.class, c.call(new KvRequest.Range(7,
                    ReadMode.LINEARIZABLE, 0, RangeRequest.of(KeyRange.single(b("f/k"))).atRevision(put.revision() - 1))));
            assertEquals(put.revision(), compacted.compactRevision(), "a refusal keeps its revision");
        }
        assertEquals(forwardedBefore, follower.forwardedRequests(), "no request was relayed to the leader as a client");
        TernServer leader = servers.stream().filter(s -> s.node().status().role() == Role.LEADER).findFirst().orElseThrow();
        try (RawConnection toLeader = new RawConnection(leader.boundAddress())) {
            var gone = assertInstanceOf(KvResponse.OpOk.class, toLeader.call(new KvRequest.Range(8,
                    ReadMode.LINEARIZABLE, 0, RangeRequest.of(KeyRange.prefix(b("f/"))))));
            assertTrue(((RangeResponse) gone.response()).kvs().isEmpty(), "the leader applied the follower's delete");
        }
    }

    @Test
    void aFollowerServesLinearizableReadsItselfAndSeesWritesAcknowledgedBefore() throws Exception {
        TernServer follower = followerOfACluster(true);
        TernServer leader = servers.stream().filter(s -> s.node().status().role() == Role.LEADER).findFirst().orElseThrow();
        try (RawConnection toLeader = new RawConnection(leader.boundAddress());
             RawConnection toFollower = new RawConnection(follower.boundAddress())) {
            long forwardedBefore = follower.forwardedRequests();
            for (int i = 1; i <= 50; i++) {
                var put = assertInstanceOf(KvResponse.OpOk.class,
                        toLeader.call(new KvRequest.Write(2 * i, PutRequest.of(b("r/k"), b("v" + i)))));
                var read = assertInstanceOf(KvResponse.OpOk.class, toFollower.call(new KvRequest.Range(2 * i + 1,
                        ReadMode.LINEARIZABLE, 0, RangeRequest.of(KeyRange.single(b("r/k"))))));
                assertTrue(read.revision() >= put.revision(), "read at " + read.revision() + " after a write at " + put.revision());
                assertEquals("v" + i, s(((RangeResponse) read.response()).kvs().getFirst().value()));
            }
            assertEquals(forwardedBefore, follower.forwardedRequests(), "no read was forwarded to the leader");
        }
    }

    @Test
    void withoutForwardingAFollowerNamesTheLeaderButServesLocalRanges() throws Exception {
        TernServer follower = followerOfACluster(false);
        try (RawConnection c = new RawConnection(follower.boundAddress())) {
            assertInstanceOf(Response.NotLeader.class, c.call(new KvRequest.Write(1, PutRequest.of(b("k"), b("v")))));
            assertInstanceOf(Response.NotLeader.class, c.call(new KvRequest.Range(2, ReadMode.LINEARIZABLE, 0,
                    RangeRequest.of(KeyRange.single(b("k"))))));
            assertInstanceOf(Response.NotLeader.class, c.call(new KvRequest.Compact(3, 1)));
            var local = assertInstanceOf(KvResponse.OpOk.class, c.call(new KvRequest.Range(4, ReadMode.LOCAL, 0,
                    RangeRequest.of(KeyRange.single(b("k"))))));
            assertTrue(((RangeResponse) local.response()).kvs().isEmpty());
        }
    }
}
