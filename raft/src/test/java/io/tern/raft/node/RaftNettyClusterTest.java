package io.tern.raft.node;

import io.tern.platform.HostPort;
import io.tern.engine.EngineConfig;
import io.tern.engine.FsyncPolicy;
import io.tern.engine.StorageEngine;
import io.tern.engine.cluster.ClusterIdentity;
import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;
import io.tern.engine.log.LogConfig;
import io.tern.engine.state.Command;
import io.tern.raft.core.Role;
import io.tern.raft.transport.NettyPeerTransport;
import io.tern.raft.transport.PeerTransportConfig;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three members with real engines over real Netty on loopback: elect, replicate 100 k entries,
 * stop the leader, re-elect, and bring the old leader back after the others compacted past it, so
 * that it must catch up through InstallSnapshot.
 */
class RaftNettyClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final SetTimeProvider LOG_CLOCK = new SetTimeProvider(1_700_000_000_000_000_000L);
    private static final long SNAPSHOT_ENTRIES = 20_000;

    @TempDir
    Path dir;

    private final Map<Long, RaftNode> nodes = new HashMap<>();
    private final Map<Long, NettyPeerTransport> transports = new HashMap<>();
    private Membership members;

    @AfterEach
    void stopAll() {
        new ArrayList<>(nodes.keySet()).forEach(this::stop);
    }

    private static Membership threeVotersOnFreePorts() throws IOException {
        List<Member> list = new ArrayList<>();
        for (long id = 1; id <= 3; id++) {
            list.add(new Member(id, "127.0.0.1:" + ClusterTesting.freePort(), true));
        }
        return new Membership(list);
    }

    private RaftNode start(long id) {
        return start(id, Duration.ofMillis(50), Duration.ofMillis(500));
    }

    private RaftNode start(long id, Duration heartbeat, Duration electionTimeout) {
        // One-second log files on a clock the test moves, so compaction has whole files to delete.
        StorageEngine engine = StorageEngine.open(new EngineConfig(dir.resolve("node-" + id),
                new ClusterIdentity("netty-cluster", id),
                new LogConfig(FsyncPolicy.ALWAYS, TestRollCycles.TEST_SECONDLY, LOG_CLOCK), 2));
        Member self = members.member(id).orElseThrow();
        NettyPeerTransport transport = new NettyPeerTransport(PeerTransportConfig.defaults(id, "netty-cluster")
                .withListenAddress(socketAddress(self.address())));
        NodeConfig options = new NodeConfig(id, members, heartbeat, electionTimeout,
                SNAPSHOT_ENTRIES, Duration.ofSeconds(20), 256 * 1024);
        // As a server runs it: the Raft loop on the event loop of the member's peer connections.
        RaftNode node = RaftNode.start(options, engine, transport, NodeRuntime.threadsWithLoopOn(transport.eventLoop()),
                FatalFailureListener.NONE);
        nodes.put(id, node);
        transports.put(id, transport);
        return node;
    }

    private void stop(long id) {
        RaftNode node = nodes.remove(id);
        transports.remove(id);
        node.close();
        ClusterTesting.engineOf(node).close();
    }

    @Test
    void electReplicateKillTheLeaderReElectAndCatchUpThroughASnapshot() throws IOException {
        members = threeVotersOnFreePorts();
        for (long id = 1; id <= 3; id++) {
            start(id);
        }

        RaftNode first = awaitLeader();
        CompletableFuture<Boolean> onThePeerLoop = new CompletableFuture<>();
        first.addLeadershipListener((leading, term) -> onThePeerLoop.complete(transports.get(first.id()).eventLoop().inEventLoop()));
        assertTrue(onThePeerLoop.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join(),
                "the Raft loop runs on the transport's event loop");
        long written = writeAll(first, 1, 100_000);
        awaitAllApplied(written);
        assertArrayEquals(value(100_000), ClusterTesting.engineOf(nodes.get(2L)).get(key(100_000)).value());

        long firstId = first.id();
        long stoppedLast = first.status().lastLogIndex();
        stop(firstId);
        RaftNode second = awaitLeader();
        assertNotEquals(firstId, second.id());
        assertTrue(second.status().term() > 1, "a new term");
        written = writeAll(second, 100_001, 150_000);
        // Past the entry the returning member needs next: only a snapshot can bring it up to date.
        awaitTrue(() -> nodes.values().stream().allMatch(n -> n.status().firstLogIndex() > stoppedLast + 1),
                "the remaining members to compact past what the stopped leader holds");

        RaftNode returned = start(firstId);
        awaitAllApplied(written);
        assertTrue(returned.status().snapshotIndex() > stoppedLast, "the returning member caught up through a snapshot");
        assertEquals(ClusterTesting.engineOf(second).scan(new byte[0], new byte[0], 0), ClusterTesting.engineOf(returned).scan(new byte[0], new byte[0], 0));
        assertArrayEquals(value(150_000), ClusterTesting.engineOf(second).get(key(150_000)).value());
        assertTrue(second.readBarrier().join() >= written, "a linearizable read sees every acknowledged write");
    }

    /**
     * A whole cluster restarting: the first member campaigns while its peers do not listen yet, and
     * its pre-votes are dropped. With an election timeout of a minute, only asking again once a peer
     * connects can elect a leader within seconds: otherwise the next campaign is a minute away, and
     * the second member's own first one lies anywhere in its first minute (a 1-in-12 chance that it
     * falls within the wait below).
     */
    @Test
    void aCampaignMadeBeforeThePeersListenEndsSoonAfterOneComesUp() throws IOException {
        members = threeVotersOnFreePorts();
        Duration heartbeat = Duration.ofSeconds(1);
        Duration electionTimeout = Duration.ofMinutes(1);
        RaftNode first = start(1, heartbeat, electionTimeout);
        first.campaign();
        ClusterTesting.awaitTrue(() -> first.status().role() == Role.PRE_CANDIDATE, WAIT, "member 1 to campaign",
                this::describeAll);

        start(2, heartbeat, electionTimeout);
        ClusterTesting.awaitTrue(() -> nodes.values().stream().anyMatch(n -> n.status().role() == Role.LEADER),
                Duration.ofSeconds(5), "a leader within 5 s of member 2's start", this::describeAll);
    }

    private static byte[] key(int i) {
        return ("key-" + (i % 1000)).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] value(int i) {
        byte[] value = new byte[100];
        byte[] label = ("value-" + i).getBytes(StandardCharsets.UTF_8);
        System.arraycopy(label, 0, value, 0, label.length);
        return value;
    }

    /** Proposes puts with up to 256 in flight; returns the highest revision. */
    private long writeAll(RaftNode leader, int from, int to) {
        List<CompletableFuture<Applied>> inFlight = new ArrayList<>();
        long last = 0;
        for (int i = from; i <= to; i++) {
            inFlight.add(leader.propose(new Command.Put(key(i), value(i)).encode()));
            if (inFlight.size() == 256 || i == to) {
                for (CompletableFuture<Applied> future : inFlight) {
                    last = Math.max(last, future.join().revision());
                }
                inFlight.clear();
                if (i % 10_000 < 256) {
                    LOG_CLOCK.advanceMillis(1_000);
                }
            }
        }
        return last;
    }

    private RaftNode awaitLeader() {
        awaitTrue(() -> nodes.values().stream().anyMatch(n -> n.status().role() == Role.LEADER), "a leader");
        return nodes.values().stream().filter(n -> n.status().role() == Role.LEADER).findFirst().orElseThrow();
    }

    private void awaitAllApplied(long index) {
        awaitTrue(() -> nodes.values().stream().allMatch(n -> n.status().appliedIndex() >= index),
                "every member to apply " + index);
    }

    private void awaitTrue(BooleanSupplier condition, String what) {
        ClusterTesting.awaitTrue(condition, WAIT, what, this::describeAll);
    }

    private String describeAll() {
        StringBuilder text = new StringBuilder();
        nodes.values().forEach(n -> text.append("\n  ").append(n.describe()).append(" applied=").append(n.status().appliedIndex()));
        return text.toString();
    }


    private static InetSocketAddress socketAddress(String hostPort) {
        return HostPort.parse(hostPort).resolved();
    }
}
