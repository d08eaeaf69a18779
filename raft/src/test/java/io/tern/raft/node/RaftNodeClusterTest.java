package io.tern.raft.node;

import io.tern.engine.EngineConfig;
import io.tern.engine.FsyncPolicy;
import io.tern.engine.StorageEngine;
import io.tern.engine.cluster.ClusterIdentity;
import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;
import io.tern.engine.log.LogConfig;
import io.tern.engine.state.Command;
import io.tern.raft.core.Message;
import io.tern.raft.core.Role;
import io.tern.raft.transport.DelegatingPeerTransport;
import io.tern.raft.transport.PeerTransport;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Three RaftNodes with real storage engines in one JVM, over an in-memory network. */
class RaftNodeClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Membership MEMBERS = new Membership(List.of(
            new Member(1, "127.0.0.1:1", true), new Member(2, "127.0.0.1:2", true), new Member(3, "127.0.0.1:3", true)));

    private static final SetTimeProvider LOG_CLOCK = new SetTimeProvider(1_700_000_000_000_000_000L);

    @TempDir
    Path dir;

    private final LocalNetwork network = new LocalNetwork();
    private final Map<Long, RaftNode> nodes = new HashMap<>();

    @AfterEach
    void stopAll() {
        new ArrayList<>(nodes.keySet()).forEach(this::stop);
        network.close();
    }

    private RaftNode start(long id, long snapshotEntries) {
        return start(id, snapshotEntries, MEMBERS);
    }

    private RaftNode start(long id, long snapshotEntries, Membership bootstrap) {
        return start(id, snapshotEntries, bootstrap, network.transportFor(id));
    }

    private RaftNode start(long id, long snapshotEntries, Membership bootstrap, PeerTransport transport) {
        // One-second log files on a clock the test moves, so compaction has whole files to delete.
        StorageEngine engine = StorageEngine.open(new EngineConfig(dir.resolve("node-" + id),
                new ClusterIdentity("cluster", id),
                new LogConfig(FsyncPolicy.ALWAYS, TestRollCycles.TEST_SECONDLY, LOG_CLOCK), 2));
        // The product's election timeout: a shorter one lets a GC pause or a loaded machine depose a
        // leader mid-test, and these tests write to the leader they found.
        NodeConfig options = new NodeConfig(id, bootstrap, Duration.ofMillis(50), Duration.ofMillis(1_000),
                snapshotEntries, Duration.ofSeconds(10), 64 * 1024);
        RaftNode node = RaftNode.start(options, engine, transport);
        nodes.put(id, node);
        return node;
    }

    private void stop(long id) {
        RaftNode node = nodes.remove(id);
        node.close();
        ClusterTesting.engineOf(node).close();
    }

    private RaftNode awaitLeader() {
        awaitTrue(() -> nodes.values().stream().anyMatch(n -> n.status().role() == Role.LEADER), "a leader");
        return nodes.values().stream().filter(n -> n.status().role() == Role.LEADER).findFirst().orElseThrow();
    }

    private void awaitTrue(BooleanSupplier condition, String what) {
        ClusterTesting.awaitTrue(condition, WAIT, what, () -> nodes.values().stream().map(RaftNode::describe).toList().toString());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Proposes puts key-(i mod 100) = value-i, up to 256 in flight, and returns the last revision. */
    private static long writeAll(RaftNode leader, int from, int to) {
        List<CompletableFuture<Applied>> inFlight = new ArrayList<>();
        long last = 0;
        for (int i = from; i <= to; i++) {
            inFlight.add(leader.propose(new Command.Put(bytes("key-" + (i % 100)), bytes("value-" + i)).encode()));
            if (inFlight.size() == 256 || i == to) {
                for (CompletableFuture<Applied> future : inFlight) {
                    last = Math.max(last, future.join().revision());
                }
                inFlight.clear();
                LOG_CLOCK.advanceMillis(1_000);
            }
        }
        return last;
    }

    private void awaitAllApplied(long index) {
        awaitTrue(() -> nodes.values().stream().allMatch(n -> n.status().appliedIndex() >= index),
                "every member to apply " + index);
    }

    @Test
    void electsReplicatesAndServesLinearizableReads() {
        for (long id = 1; id <= 3; id++) {
            start(id, 100_000);
        }
        RaftNode leader = awaitLeader();
        long last = writeAll(leader, 1, 2_000);
        assertTrue(leader.readBarrier().join() >= last, "a read after a write sees it");
        awaitAllApplied(last);
        for (RaftNode node : nodes.values()) {
            assertArrayEquals(bytes("value-2000"), ClusterTesting.engineOf(node).get(bytes("key-0")).value(), "member " + node.id());
            assertArrayEquals(bytes("value-1999"), ClusterTesting.engineOf(node).get(bytes("key-99")).value(), "member " + node.id());
        }
        RaftNode follower = nodes.values().stream().filter(n -> n != leader).findFirst().orElseThrow();
        RaftNotLeaderException error = assertThrowsCause(RaftNotLeaderException.class,
                () -> follower.propose(new Command.Put(bytes("k"), bytes("v")).encode()).join());
        assertEquals(leader.id(), error.leaderId());
    }

    @Test
    void aFollowerServesALinearizableReadItselfOnceItAppliedTheLeadersReadIndex() {
        for (long id = 1; id <= 3; id++) {
            start(id, 100_000);
        }
        RaftNode leader = awaitLeader();
        RaftNode follower = nodes.values().stream().filter(n -> n != leader).findFirst().orElseThrow();
        for (int round = 1; round <= 20; round++) {
            long last = writeAll(leader, 100 * round - 99, 100 * round);
            long readIndex = follower.readBarrierHere().join();
            assertTrue(readIndex >= last, "read index " + readIndex + " covers the write acknowledged at " + last);
            // No waiting here: the barrier completes only once the follower has applied its read index.
            assertArrayEquals(bytes("value-" + 100 * round), ClusterTesting.engineOf(follower).get(bytes("key-0")).value());
        }
        long last = writeAll(leader, 2_001, 2_010);
        assertTrue(leader.readBarrierHere().join() >= last, "the leader passes its own barrier after its writes");
        assertEquals(leader.id(), assertThrowsCause(RaftNotLeaderException.class, () -> follower.readBarrier().join()).leaderId(),
                "the leader-only barrier still refuses on a follower");
    }

    @Test
    void aFollowerHandsProposalsToItsLeaderAndAnswersFromItsOwnApply() {
        for (long id = 1; id <= 3; id++) {
            start(id, 100_000);
        }
        RaftNode leader = awaitLeader();
        RaftNode follower = nodes.values().stream().filter(n -> n != leader).findFirst().orElseThrow();
        List<CompletableFuture<Applied>> inFlight = new ArrayList<>();
        for (int i = 1; i <= 500; i++) {
            inFlight.add(follower.proposeHere(new Command.Put(bytes("key-" + (i % 50)), bytes("value-" + i)).encode()));
        }
        long last = 0;
        for (CompletableFuture<Applied> proposal : inFlight) {
            long revision = proposal.join().revision();
            assertTrue(revision > last, "revisions follow the order proposed: " + revision + " after " + last);
            last = revision;
        }
        // No waiting here: each completes once the follower itself has applied its entry.
        assertArrayEquals(bytes("value-500"), ClusterTesting.engineOf(follower).get(bytes("key-0")).value());
        awaitAllApplied(last);
        assertArrayEquals(bytes("value-499"), ClusterTesting.engineOf(leader).get(bytes("key-49")).value());
        assertTrue(leader.proposeHere(new Command.Put(bytes("k"), bytes("v")).encode()).join().revision() > last,
                "the leader takes its own proposals as before");
    }

    @Test
    void aFollowerCutOffFromItsLeaderSaysItsProposalsOutcomeIsUnknownWithinAnElectionTimeoutOrTwo() {
        RaftNode follower = startThreeAndWriteTen().follower();
        network.isolate(follower.id());
        CompletableFuture<Applied> write = follower.proposeHere(new Command.Put(bytes("cut"), bytes("off")).encode());
        // Sent and never answered: unknown (it may have reached the leader), and said within 1-2 s, well
        // before the 10-s request timeout.
        RaftOutcomeUnknownException error = assertThrowsCause(RaftOutcomeUnknownException.class,
                () -> write.orTimeout(5, TimeUnit.SECONDS).join());
        assertTrue(error.getMessage().contains("went to the leader"), error.getMessage());
    }

    @Test
    void aFollowerWhoseConnectionToTheLeaderIsDownRefusesItsProposalsAndReadsAtOnceToBeSentElsewhere() {
        LeaderAndFollower members = startThreeAndWriteTen();
        RaftNode leader = members.leader();
        RaftNode follower = members.follower();
        network.disconnect(follower.id());
        CompletableFuture<Applied> write = follower.proposeHere(new Command.Put(bytes("down"), bytes("link")).encode());
        CompletableFuture<Long> read = follower.readBarrierHere();
        // Never sent, so appended nowhere: not led here (the client may send it to the leader another
        // way), where a request that left and went unanswered is unknown.
        RaftNotLeaderException refused = assertThrowsCause(RaftNotLeaderException.class,
                () -> write.orTimeout(5, TimeUnit.SECONDS).join());
        assertEquals(leader.id(), refused.leaderId());
        assertThrowsCause(RaftNotLeaderException.class, () -> read.orTimeout(5, TimeUnit.SECONDS).join());
    }

    @Test
    void aFollowerCutOffFromItsLeaderGivesUpItsReadSoItCanGoElsewhere() {
        RaftNode follower = startThreeAndWriteTen().follower();
        network.isolate(follower.id());
        CompletableFuture<Long> read = follower.readBarrierHere();
        // Given up within an election timeout or two (1-2 s: its request goes unanswered, or it starts an
        // election), well before the 10-s request timeout, which would end in RaftOutcomeUnknownException.
        assertThrowsCause(RaftNotLeaderException.class, () -> read.orTimeout(5, TimeUnit.SECONDS).join());
    }

    @Test
    void aFollowerWhoseLeaderPredatesFollowerReadsSendsTheReadToTheLeader() {
        RaftNode leader = startMembersHearingPeerVersion(1);
        RaftNode follower = nodes.values().stream().filter(n -> n != leader).findFirst().orElseThrow();
        RaftNotLeaderException error = assertThrowsCause(RaftNotLeaderException.class, () -> follower.readBarrierHere().join());
        assertEquals(leader.id(), error.leaderId());
        assertEquals("127.0.0.1:" + leader.id(), error.leaderAddress());
        RaftNotLeaderException write = assertThrowsCause(RaftNotLeaderException.class,
                () -> follower.proposeHere(new Command.Put(bytes("k"), bytes("v")).encode()).join());
        assertEquals(leader.id(), write.leaderId(), "a proposal too goes to a leader that predates forwarded proposals");
    }

    @Test
    void aFollowerWhoseLeaderServesFollowerReadsButPredatesForwardedProposalsReadsItselfAndRelaysWrites() {
        RaftNode leader = startMembersHearingPeerVersion(2);
        long last = writeAll(leader, 1, 10);
        RaftNode follower = nodes.values().stream().filter(n -> n != leader).findFirst().orElseThrow();
        assertTrue(follower.readBarrierHere().join() >= last, "version 2 serves follower reads");
        RaftNotLeaderException write = assertThrowsCause(RaftNotLeaderException.class,
                () -> follower.proposeHere(new Command.Put(bytes("k"), bytes("v")).encode()).join());
        assertEquals(leader.id(), write.leaderId(), "but takes no proposals from followers");
    }

    private record LeaderAndFollower(RaftNode leader, RaftNode follower) {
    }

    /** Three members, ten writes applied by the leader; the leader and one follower. */
    private LeaderAndFollower startThreeAndWriteTen() {
        for (long id = 1; id <= 3; id++) {
            start(id, 100_000);
        }
        RaftNode leader = awaitLeader();
        writeAll(leader, 1, 10);
        return new LeaderAndFollower(leader, nodes.values().stream().filter(n -> n != leader).findFirst().orElseThrow());
    }

    /** Three members, each told that its peers speak peer protocol {@code version}; returns the leader. */
    private RaftNode startMembersHearingPeerVersion(int version) {
        for (long id = 1; id <= 3; id++) {
            start(id, 100_000, MEMBERS, new DelegatingPeerTransport(network.transportFor(id)) {
                @Override
                public int peerVersion(long peerId) {
                    return version;
                }
            });
        }
        return awaitLeader();
    }

    @Test
    void aMessageForAnotherMemberIsDroppedAndTheReceiverKeepsServing() {
        for (long id = 1; id <= 3; id++) {
            start(id, 100_000);
        }
        RaftNode leader = awaitLeader();
        long other = leader.id() == 1 ? 2 : 1;
        network.deliverTo(leader.id(), new Message.PreVote(3, other, 99, 0, 0));
        network.deliverTo(other, new Message.Heartbeat(leader.id(), leader.id(), 99, 0, 0));
        long last = writeAll(leader, 1, 200);
        awaitAllApplied(last);
        assertEquals(Role.LEADER, leader.status().role(), "the misrouted message did not disturb the leader");
    }

    @Test
    void aNewLeaderTakesOverWhenTheLeaderStopsAndTheOldOneCatchesUpOnReturn() {
        for (long id = 1; id <= 3; id++) {
            start(id, 100_000);
        }
        RaftNode first = awaitLeader();
        long firstId = first.id();
        writeAll(first, 1, 500);
        stop(firstId);

        RaftNode second = awaitLeader();
        assertNotEquals(firstId, second.id());
        long last = writeAll(second, 501, 1_000);

        start(firstId, 100_000);
        awaitAllApplied(last);
        assertArrayEquals(bytes("value-1000"), ClusterTesting.engineOf(nodes.get(firstId)).get(bytes("key-0")).value());
    }

    /** Members 1 and 2 and their leader, and member 3 cut off while they write past what it holds. */
    private record Lagging(RaftNode leader, RaftNode laggard, long laggardLast, long written) {
    }

    /**
     * Starts members 1 and 2 snapshotting every 300 entries and member 3, which never snapshots on its
     * own (a snapshot it ends up with can only have been installed); cuts member 3 off and, once the
     * leader (never member 3) counts it as gone quiet, writes {@code writes} puts and compacts away
     * what member 3 lacks.
     */
    private Lagging aLaggardBehindCompaction(int writes) {
        start(1, 300);
        start(2, 300);
        RaftNode laggard = start(3, 1_000_000);
        RaftNode leader = awaitLeader();
        if (leader == laggard) {
            leader.transferLeadership(1).join();
            leader = nodes.get(1L);
        }
        RaftNode current = leader;
        // Until a member has been silent for an election timeout, the leader keeps the log it needs:
        // wait for it to have answered this leader, then for the leader to count it as gone quiet.
        awaitTrue(() -> laggardContactMillis(current, laggard) >= 0, "the laggard to answer the leader");
        network.isolate(laggard.id());
        awaitTrue(() -> laggardContactMillis(current, laggard) > 1_000, "the leader to count the laggard as gone quiet");
        long laggardLast = laggard.status().lastLogIndex();
        long written = writeAll(current, 1, writes);
        awaitTrue(() -> current.status().firstLogIndex() > laggardLast + 1,
                "the leader to compact away the entries the laggard lacks");
        return new Lagging(current, laggard, laggardLast, written);
    }

    /** A snapshot on its way to the laggard, whose chunks wait until {@code release} completes. */
    private record HeldSnapshot(long index, CompletableFuture<Void> release) {
    }

    /**
     * Reconnects the laggard once the leader has snapshotted what it wrote, and holds that snapshot's
     * chunks on their way to it.
     */
    private HeldSnapshot reconnectHoldingTheSnapshot(Lagging lagging) {
        RaftNode leader = lagging.leader();
        long laggardId = lagging.laggard().id();
        // The snapshot of what was just written, taken after the writes were applied, is the one to send.
        awaitTrue(() -> leader.status().snapshotIndex() > leader.status().appliedIndex() - 300,
                "the leader's snapshot of the writes");
        CompletableFuture<Void> release = network.holdSnapshotChunksTo(laggardId);
        network.reconnect(laggardId);
        awaitTrue(() -> leader.describe().contains(" " + laggardId + ":SNAPSHOT["),
                "the leader to start sending the laggard a snapshot");
        return new HeldSnapshot(leader.status().snapshotIndex(), release); // its newest: nothing was written since
    }

    private static long laggardContactMillis(RaftNode leader, RaftNode laggard) {
        return leader.contact().followers().stream().filter(f -> f.id() == laggard.id())
                .mapToLong(Contact.FollowerContact::lastContactMillis).findFirst().orElse(-1);
    }

    @Test
    void aLaggingFollowerCatchesUpThroughInstallSnapshot() {
        Lagging lagging = aLaggardBehindCompaction(3_000);
        RaftNode current = lagging.leader();
        RaftNode laggard = lagging.laggard();
        long laggardLast = lagging.laggardLast();
        long last = lagging.written();

        network.reconnect(laggard.id());
        awaitAllApplied(last);
        assertTrue(laggard.status().snapshotIndex() > laggardLast, "the laggard installed the leader's snapshot");
        assertArrayEquals(bytes("value-3000"), ClusterTesting.engineOf(laggard).get(bytes("key-0")).value());
        assertEquals(ClusterTesting.engineOf(current).scan(new byte[0], new byte[0], 0).entries(),
                ClusterTesting.engineOf(laggard).scan(new byte[0], new byte[0], 0).entries());
    }

    /** A snapshot's chunks go out ahead of their acknowledgements, so a transfer is not one round trip per chunk. */
    @Test
    void aSnapshotIsStreamedWithSeveralChunksUnacknowledged() {
        Lagging lagging = aLaggardBehindCompaction(1_000);
        long laggardId = lagging.laggard().id();
        HeldSnapshot held = reconnectHoldingTheSnapshot(lagging);
        awaitTrue(() -> network.snapshotChunksSentTo(laggardId) == SnapshotTransfers.CHUNKS_IN_FLIGHT,
                "the leader to send " + SnapshotTransfers.CHUNKS_IN_FLIGHT + " chunks before the first is acknowledged");

        held.release().complete(null);
        awaitAllApplied(lagging.written());
        assertEquals(held.index(), lagging.laggard().status().snapshotIndex(), "the held snapshot, installed");
    }

    /**
     * While a snapshot is on its way to a member, the leader takes newer ones and compacts, but keeps
     * the log from the snapshot in flight: the member then catches up from the log, instead of
     * finding those entries gone and being sent another snapshot.
     */
    @Test
    void aLeaderKeepsTheLogAfterTheSnapshotItIsSending() {
        Lagging lagging = aLaggardBehindCompaction(1_000);
        RaftNode current = lagging.leader();
        RaftNode laggard = lagging.laggard();
        HeldSnapshot held = reconnectHoldingTheSnapshot(lagging);
        long sending = held.index();
        // One snapshot interval more: a newer snapshot, within the two intervals a member is kept for.
        long last = writeAll(current, 1_001, 1_350);
        awaitTrue(() -> current.status().snapshotIndex() > sending, "the leader to take a newer snapshot");
        assertTrue(current.status().firstLogIndex() <= sending,
                "the leader kept the log after the snapshot in flight, first index " + current.status().firstLogIndex()
                        + ", snapshot sent " + sending);

        held.release().complete(null);
        awaitAllApplied(last);
        assertEquals(sending, laggard.status().snapshotIndex(), "one snapshot, then the log");
        assertArrayEquals(bytes("value-1350"), ClusterTesting.engineOf(laggard).get(bytes("key-50")).value());
    }

    /**
     * The log kept for a member is bounded: once the leader's newest snapshot is more than two
     * snapshot intervals past the one on its way, it compacts past it, and the member is sent a newer
     * snapshot instead.
     */
    @Test
    void aLeaderKeepsNoMoreThanTwoSnapshotIntervalsForAMember() {
        Lagging lagging = aLaggardBehindCompaction(1_000);
        RaftNode current = lagging.leader();
        RaftNode laggard = lagging.laggard();
        HeldSnapshot held = reconnectHoldingTheSnapshot(lagging);
        long sending = held.index();
        long last = writeAll(current, 1_001, 2_000);
        awaitTrue(() -> current.status().firstLogIndex() > sending,
                "the leader to compact past the snapshot in flight, more than two intervals behind");

        held.release().complete(null);
        awaitAllApplied(last);
        assertTrue(laggard.status().snapshotIndex() > sending, "a newer snapshot followed the one held");
        assertArrayEquals(bytes("value-2000"), ClusterTesting.engineOf(laggard).get(bytes("key-0")).value());
    }

    @Test
    void withAMajorityCutOffWritesFailAndAreNeverAcknowledged() {
        for (long id = 1; id <= 3; id++) {
            start(id, 100_000);
        }
        RaftNode leader = awaitLeader();
        writeAll(leader, 1, 10);
        nodes.keySet().stream().filter(id -> id != leader.id()).forEach(network::isolate);
        CompletableFuture<Applied> write = leader.propose(new Command.Put(bytes("lost"), bytes("quorum")).encode());
        RuntimeException error = assertThrowsCause(RuntimeException.class, write::join);
        assertTrue(error instanceof RaftOutcomeUnknownException || error instanceof RaftNotLeaderException, error.toString());
        // Check-quorum: the cut-off leader steps down instead of serving as if it still led.
        awaitTrue(() -> leader.status().role() != Role.LEADER, "the cut-off leader to step down");
        assertThrowsCause(RaftNotLeaderException.class, () -> leader.readBarrier().join());
        assertTrue(!ClusterTesting.engineOf(leader).get(bytes("lost")).found(), "the write was never applied");
    }

    @Test
    void leadershipMovesToTheTransferTarget() {
        for (long id = 1; id <= 3; id++) {
            start(id, 100_000);
        }
        RaftNode leader = awaitLeader();
        long target = nodes.keySet().stream().filter(id -> id != leader.id()).findFirst().orElseThrow();
        writeAll(leader, 1, 100);
        leader.transferLeadership(target).join();
        assertEquals(Role.LEADER, nodes.get(target).status().role());
        writeAll(nodes.get(target), 101, 200);
    }

    @Test
    void leadershipListenersHearWhoStartsAndStopsLeading() {
        Map<Long, List<String>> heard = new java.util.concurrent.ConcurrentHashMap<>();
        for (long id = 1; id <= 3; id++) {
            long member = id;
            List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
            heard.put(member, events);
            start(id, 100_000).addLeadershipListener((leading, term) -> events.add((leading ? "leads " : "stops ") + term));
        }
        RaftNode leader = awaitLeader();
        long term = leader.status().term();
        awaitTrue(() -> heard.get(leader.id()).contains("leads " + term), "the leader's listener to hear of it");
        long target = nodes.keySet().stream().filter(id -> id != leader.id()).findFirst().orElseThrow();
        leader.transferLeadership(target).join();
        long newTerm = nodes.get(target).status().term();
        awaitTrue(() -> heard.get(leader.id()).contains("stops " + term), "the old leader's listener to hear it stopped");
        awaitTrue(() -> heard.get(target).contains("leads " + newTerm), "the new leader's listener to hear of it");
        RaftNode late = nodes.get(target);
        List<String> lateEvents = java.util.Collections.synchronizedList(new ArrayList<>());
        late.addLeadershipListener((leading, t) -> lateEvents.add((leading ? "leads " : "stops ") + t));
        awaitTrue(() -> lateEvents.equals(List.of("leads " + newTerm)), "a listener added later to hear that it leads");
        List<String> leads = heard.values().stream().flatMap(events -> List.copyOf(events).stream())
                .filter(event -> event.startsWith("leads")).toList();
        assertEquals(leads.size(), leads.stream().distinct().count(), "one leader per term: " + heard);
    }

    @Test
    void aTransferStillWaitingWhenTheLeaderClosesFailsInsteadOfWaitingForever() throws Exception {
        for (long id = 1; id <= 3; id++) {
            start(id, 100_000);
        }
        RaftNode leader = awaitLeader();
        long target = nodes.keySet().stream().filter(id -> id != leader.id()).findFirst().orElseThrow();
        // Cut off, the target never takes over: the transfer waits, checking once per heartbeat.
        network.isolate(target);
        CompletableFuture<Void> transfer = leader.transferLeadership(target);
        leader.describe(); // answered by the loop after it took the transfer
        assertFalse(transfer.isDone(), "the transfer waits for the target: " + transfer);

        stop(leader.id());
        ExecutionException error = assertThrows(ExecutionException.class, () -> transfer.get(5, TimeUnit.SECONDS),
                "a closed member answers the transfer it was waiting on");
        assertTrue(error.getCause() instanceof RaftNotLeaderException || error.getCause() instanceof RaftOutcomeUnknownException,
                error.getCause().toString());
    }

    @Test
    void aTransferFailsAsSoonAsAnotherMemberLeadsInstead() throws Exception {
        for (long id = 1; id <= 3; id++) {
            start(id, 100_000);
        }
        RaftNode leader = awaitLeader();
        List<Long> others = nodes.keySet().stream().filter(id -> id != leader.id()).sorted().toList();
        long target = others.get(0);
        RaftNode rival = nodes.get(others.get(1));
        // Cut off, the target never takes over; then a second transfer hands leadership to the rival.
        network.isolate(target);
        CompletableFuture<Void> transfer = leader.transferLeadership(target);
        leader.describe(); // answered by the loop after it took the transfer
        assertFalse(transfer.isDone(), "the transfer waits for the target: " + transfer);
        leader.transferLeadership(rival.id()).get(10, TimeUnit.SECONDS);

        // Well before the transfer's deadline (the 10-s request timeout).
        ExecutionException error = assertThrows(ExecutionException.class, () -> transfer.get(3, TimeUnit.SECONDS),
                "a transfer that leadership went past is answered at once");
        assertTrue(error.getCause() instanceof RaftOutcomeUnknownException, error.getCause().toString());
        assertTrue(error.getCause().getMessage().contains("member " + rival.id()), error.getCause().getMessage());
    }

    @Test
    void aProposalRefusedWhileTheMemberClosesIsNeverAppended() {
        Membership alone = new Membership(List.of(new Member(1, "127.0.0.1:1", true)));
        RaftNode node = start(1, 100_000, alone);
        node.campaign();
        awaitTrue(() -> node.status().role() == Role.LEADER, "the single member to lead");
        node.propose(new Command.Put(bytes("k"), bytes("before")).encode()).join();
        long lastBefore = ClusterTesting.engineOf(node).log().lastIndex();

        // Where close() begins: the timers have stopped, the loop still takes work.
        node.stopTimers();
        CompletableFuture<Applied> refused = node.propose(new Command.Put(bytes("k"), bytes("during close")).encode());
        // UNAVAILABLE to a client, which may then send the write again elsewhere: it must not also apply here.
        assertThrowsCause(RaftNotLeaderException.class, refused::join);

        nodes.remove(1L);
        node.close();
        try {
            assertEquals(lastBefore, ClusterTesting.engineOf(node).log().lastIndex(), "the log took a proposal answered 'not applied'");
            assertArrayEquals(bytes("before"), ClusterTesting.engineOf(node).get(bytes("k")).value());
        } finally {
            ClusterTesting.engineOf(node).close();
        }
    }

    @Test
    void aNewMemberJoinsAsALearnerCatchesUpAndIsPromoted() {
        for (long id = 1; id <= 3; id++) {
            start(id, 100_000);
        }
        RaftNode leader = awaitLeader();
        long written = writeAll(leader, 1, 1_000);
        // A joining member starts empty and knows no configuration: it never campaigns on its own.
        RaftNode joiner = start(4, 100_000, Membership.EMPTY);
        Member learner = new Member(4, "127.0.0.1:4", false);
        leader.proposeMembership(MEMBERS.with(learner)).join();
        awaitAllApplied(written);
        assertArrayEquals(bytes("value-1000"), ClusterTesting.engineOf(joiner).get(bytes("key-0")).value());
        assertEquals(Role.FOLLOWER, joiner.status().role());

        Membership promoted = MEMBERS.with(new Member(4, "127.0.0.1:4", true));
        long revision = leader.proposeMembership(promoted).join().revision();
        awaitAllApplied(revision);
        assertEquals(promoted, joiner.status().members());
        assertEquals(List.of(1L, 2L, 3L, 4L), leader.status().members().voterIds());
    }

    @Test
    void aRemovedLeaderStepsDownAndTheOthersCarryOn() {
        for (long id = 1; id <= 3; id++) {
            start(id, 100_000);
        }
        RaftNode leader = awaitLeader();
        // A new leader takes configuration changes only once an entry of its term has committed, and
        // leaves only voters it has heard from lately (the strict reconfiguration check): both have
        // acknowledged an entry once they applied it.
        awaitAllApplied(writeAll(leader, 1, 1));
        leader.proposeMembership(MEMBERS.without(leader.id())).join();
        awaitTrue(() -> nodes.values().stream().anyMatch(n -> n.id() != leader.id() && n.status().role() == Role.LEADER),
                "a leader among the remaining members");
        RaftNode next = nodes.values().stream().filter(n -> n.id() != leader.id() && n.status().role() == Role.LEADER)
                .findFirst().orElseThrow();
        assertEquals(2, next.status().members().voterIds().size());
        writeAll(next, 2, 100);
    }

    private static <T extends Throwable> T assertThrowsCause(Class<T> type, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
            throw new AssertionError("expected " + type.getSimpleName() + " but got " + cause, cause);
        }
        throw new AssertionError("expected " + type.getSimpleName() + " but nothing was thrown");
    }
}
