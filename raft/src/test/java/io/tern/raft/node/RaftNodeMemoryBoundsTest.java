package io.tern.raft.node;

import io.tern.engine.EngineConfig;
import io.tern.engine.FsyncPolicy;
import io.tern.engine.StorageEngine;
import io.tern.engine.cluster.ClusterIdentity;
import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;
import io.tern.engine.state.Command;
import io.tern.raft.core.Rejection;
import io.tern.raft.core.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What a flood of requests can leave behind in a member. Each structure a client can fill (request
 * timers, LOCAL-read waiters, the applier's backlog) holds a bound however hard it is pushed.
 */
@Timeout(120)
class RaftNodeMemoryBoundsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int BIG_COMMAND_BYTES = 256 * 1024;

    @TempDir
    Path dir;

    private final LocalNetwork network = new LocalNetwork();
    private final Map<Long, RaftNode> nodes = new HashMap<>();
    private final List<CompletableFuture<Void>> pausedAppliers = new ArrayList<>();

    @AfterEach
    void stopAll() {
        pausedAppliers.forEach(release -> release.complete(null));
        for (RaftNode node : nodes.values()) {
            node.close();
            ClusterTesting.engineOf(node).close();
        }
        network.close();
    }

    private RaftNode start(long id, Membership members, Duration requestTimeout) {
        StorageEngine engine = StorageEngine.open(EngineConfig.defaults(dir.resolve("node-" + id),
                new ClusterIdentity("cluster", id), FsyncPolicy.NEVER));
        // The product's election timeout: a shorter one lets a GC pause or a loaded machine depose a
        // leader mid-test, and these tests write to the leader they found.
        NodeConfig options = new NodeConfig(id, members, Duration.ofMillis(50), Duration.ofMillis(1_000),
                1_000_000, requestTimeout, 64 * 1024);
        RaftNode node = RaftNode.start(options, engine, network.transportFor(id));
        nodes.put(id, node);
        return node;
    }

    private static Membership members(int count) {
        List<Member> members = new ArrayList<>();
        for (long id = 1; id <= count; id++) {
            members.add(new Member(id, "127.0.0.1:" + id, true));
        }
        return new Membership(members);
    }

    private RaftNode startSingle(Duration requestTimeout) {
        RaftNode node = start(1, members(1), requestTimeout);
        node.campaign();
        awaitTrue(() -> node.status().role() == Role.LEADER, "the single member to lead");
        return node;
    }

    private void pauseApplier(RaftNode node) {
        CompletableFuture<Void> release = new CompletableFuture<>();
        pausedAppliers.add(release);
        node.pauseApplier(release);
    }

    private void resumeAppliers() {
        pausedAppliers.forEach(release -> release.complete(null));
    }

    private void awaitTrue(BooleanSupplier condition, String what) {
        ClusterTesting.awaitTrue(condition, WAIT, what, () -> nodes.values().stream().map(RaftNode::describe).toList().toString());
    }

    private static byte[] put(int i, int valueBytes) {
        byte[] value = new byte[valueBytes];
        value[0] = (byte) i;
        return new Command.Put(("key-" + i % 100).getBytes(StandardCharsets.UTF_8), value).encode();
    }

    private static Throwable failureOf(CompletableFuture<?> future) {
        try {
            future.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    @Test
    void answeredRequestsLeaveNoTimersBehind() {
        // A long request timeout: a cancelled deadline that stays queued would stay for all of it.
        RaftNode node = startSingle(Duration.ofSeconds(60));
        int requests = 20_000;
        List<CompletableFuture<?>> wave = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            wave.add(node.propose(put(i, 16)));
            wave.add(node.awaitApplied(1));
            if (wave.size() >= 1_000) {
                wave.forEach(CompletableFuture::join);
                wave.clear();
            }
        }
        wave.forEach(CompletableFuture::join);
        // Left: the tick and, at most, a deadline or two whose cancellation is still on its way.
        assertTrue(node.queuedTimers() < 10, "after " + 2 * requests + " answered requests the timer queue holds "
                + node.queuedTimers() + " tasks");
    }

    @Test
    void localReadsWaitingBeyondTheBoundAreRefusedAndReleasedOnesFreeTheirPlaces() {
        // A request timeout far longer than filling the bound takes, however loaded the machine: no
        // read leaves by timing out while the test counts.
        RaftNode node = startSingle(Duration.ofSeconds(120));
        long next = node.propose(put(0, 16)).join().revision() + 1;
        int extra = 500;
        List<CompletableFuture<Long>> waits = new ArrayList<>();
        for (int i = 0; i < Applier.MAX_READS_WAITING + extra; i++) {
            waits.add(node.awaitApplied(next));
        }
        long refused = waits.stream().filter(wait -> wait.isCompletedExceptionally()
                && failureOf(wait) instanceof RejectedException rejected && rejected.reason() == Rejection.OVERLOADED)
                .count();
        assertEquals(extra, refused, "reads beyond the bound of " + Applier.MAX_READS_WAITING + " are refused at once");
        assertEquals(Applier.MAX_READS_WAITING, node.readsWaiting(), "reads waiting");

        long applied = node.propose(put(1, 16)).join().revision();
        awaitTrue(() -> node.readsWaiting() == 0, "released reads to leave the waiters (" + node.readsWaiting() + " left)");
        assertEquals(Applier.MAX_READS_WAITING, waits.stream().filter(wait -> !wait.isCompletedExceptionally()
                && wait.join() >= applied).count(), "every read that waited was served");
        // Their places are free again: as many new reads wait as before.
        for (int i = 0; i < Applier.MAX_READS_WAITING; i++) {
            CompletableFuture<Long> wait = node.awaitApplied(Long.MAX_VALUE / 2);
            assertTrue(!wait.isDone(), "read " + i + " after the released ones: " + wait);
        }
    }

    @Test
    void localReadsForARevisionNeverReachedTimeOutAndLeave() {
        RaftNode node = startSingle(Duration.ofMillis(500));
        List<CompletableFuture<Long>> waits = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            waits.add(node.awaitApplied(Long.MAX_VALUE / 2));
        }
        awaitTrue(() -> waits.stream().allMatch(CompletableFuture::isDone), "every wait to time out");
        for (CompletableFuture<Long> wait : waits) {
            assertInstanceOf(RaftOutcomeUnknownException.class, failureOf(wait), "a wait for a revision never reached times out");
        }
        awaitTrue(() -> node.readsWaiting() == 0, "timed-out reads to leave the waiters (" + node.readsWaiting() + " left)");
        assertInstanceOf(Long.class, node.awaitApplied(1).join(), "a read that can be served still is");
    }

    @Test
    void aLeaderBehindOnApplyingRefusesProposalsUntilItCatchesUp() {
        RaftNode node = startSingle(Duration.ofSeconds(60));
        pauseApplier(node);
        List<CompletableFuture<Applied>> accepted = new ArrayList<>();
        Throwable refusal = null;
        long limit = 3 * Applier.MAX_BACKLOG_BYTES;
        // One at a time, each committed before the next, so Raft's own bound on uncommitted bytes
        // never refuses: only the applier's backlog can.
        for (long proposed = 0; refusal == null && proposed < limit; proposed += BIG_COMMAND_BYTES) {
            long committedBefore = node.status().commitIndex();
            CompletableFuture<Applied> proposal = node.propose(put((int) (proposed / BIG_COMMAND_BYTES), BIG_COMMAND_BYTES));
            awaitTrue(() -> proposal.isDone() || node.status().commitIndex() > committedBefore, "the proposal to commit");
            if (proposal.isCompletedExceptionally()) {
                refusal = failureOf(proposal);
            } else {
                accepted.add(proposal);
            }
        }
        if (refusal == null) {
            fail("the leader took " + accepted.size() + " proposals (" + node.applyBacklogBytes()
                    + " bytes waiting to be applied) without refusing one");
        }
        RejectedException rejected = assertInstanceOf(RejectedException.class, refusal);
        assertEquals(Rejection.OVERLOADED, rejected.reason());
        assertTrue(rejected.getMessage().contains("applied"), rejected.getMessage());
        long bound = Applier.MAX_BACKLOG_BYTES + 2L * BIG_COMMAND_BYTES;
        assertTrue(node.applyBacklogBytes() <= bound, node.applyBacklogBytes() + " bytes waiting to be applied");

        resumeAppliers();
        accepted.forEach(CompletableFuture::join);
        awaitTrue(() -> node.applyBacklogBytes() == 0, "the applier to catch up");
        node.propose(put(0, 16)).join();
    }

    @Test
    void aFollowerBehindOnApplyingLeavesCommittedEntriesInItsLog() throws Exception {
        Membership members = members(3);
        for (long id = 1; id <= 3; id++) {
            start(id, members, Duration.ofSeconds(60));
        }
        RaftNode leader = nodes.get(1L);
        ClusterTesting.makeLeader(leader, nodes.values(), WAIT);
        RaftNode slow = nodes.get(3L);
        pauseApplier(slow);

        long total = 2 * Applier.MAX_BACKLOG_BYTES + 8 * BIG_COMMAND_BYTES;
        long maxBacklog = 0;
        long last = 0;
        List<CompletableFuture<Applied>> wave = new ArrayList<>();
        for (long proposed = 0; proposed < total; proposed += BIG_COMMAND_BYTES) {
            wave.add(leader.propose(put((int) (proposed / BIG_COMMAND_BYTES), BIG_COMMAND_BYTES)));
            if (wave.size() == 8) {
                for (CompletableFuture<Applied> proposal : wave) {
                    last = Math.max(last, proposal.join().revision());
                }
                wave.clear();
                maxBacklog = Math.max(maxBacklog, slow.applyBacklogBytes());
            }
        }
        long committed = last;
        awaitTrue(() -> slow.status().commitIndex() >= committed, "the slow follower to learn the commit index");
        maxBacklog = Math.max(maxBacklog, slow.applyBacklogBytes());
        // The core hands out up to 4 MiB per Ready, and the last one may go out just under the bound.
        long bound = Applier.MAX_BACKLOG_BYTES + (4L << 20) + BIG_COMMAND_BYTES;
        assertTrue(maxBacklog <= bound, "the follower held " + maxBacklog + " bytes of committed entries to apply");

        resumeAppliers();
        awaitTrue(() -> slow.status().appliedIndex() >= committed, "the slow follower to apply everything");
        assertEquals(0, slow.applyBacklogBytes());
    }
}
