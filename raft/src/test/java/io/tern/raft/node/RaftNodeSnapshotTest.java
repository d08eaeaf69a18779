package io.tern.raft.node;

import io.tern.engine.EngineConfig;
import io.tern.engine.FsyncPolicy;
import io.tern.engine.StorageEngine;
import io.tern.engine.cluster.ClusterIdentity;
import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;
import io.tern.raft.types.EntryKind;
import io.tern.raft.types.LogEntry;
import io.tern.engine.log.LogConfig;
import io.tern.engine.meta.MemberRecord;
import io.tern.engine.snapshot.Snapshot;
import io.tern.engine.snapshot.SnapshotReader;
import io.tern.engine.state.Command;
import io.tern.raft.core.Message;
import io.tern.raft.core.SnapshotMeta;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One real member (engine, loop, log and applier threads) whose peers the test plays message by
 * message: the snapshot paths of the driver where the order of events decides the outcome.
 */
@Timeout(60)
class RaftNodeSnapshotTest {

    private static final Membership MEMBERS = new Membership(List.of(
            new Member(1, "127.0.0.1:1", true), new Member(2, "127.0.0.1:2", true), new Member(3, "127.0.0.1:3", true)));

    @TempDir
    Path dir;

    private final ScriptedPeers peers = new ScriptedPeers();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private StorageEngine member3;

    @AfterEach
    void closeAll() throws Exception {
        peers.releaseSends();
        for (AutoCloseable closeable : toClose.reversed()) {
            closeable.close();
        }
    }

    private StorageEngine openEngine(long id) {
        StorageEngine engine = StorageEngine.open(new EngineConfig(dir.resolve("node-" + id),
                new ClusterIdentity("cluster", id), LogConfig.defaults(FsyncPolicy.NEVER), 2));
        toClose.add(engine);
        return engine;
    }

    /** Member 2, which never campaigns on its own: only the test's messages move it. */
    private RaftNode startMember2() {
        NodeConfig options = new NodeConfig(2, MEMBERS, Duration.ofMillis(20), Duration.ofHours(1),
                1_000_000, Duration.ofSeconds(10), 4096);
        RaftNode node = RaftNode.start(options, openEngine(2), peers);
        toClose.add(node);
        return node;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static LogEntry put(long index, long term, String key, String value) {
        return new LogEntry(index, term, EntryKind.COMMAND, new Command.Put(bytes(key), bytes(value)).encode());
    }

    private static String valueOf(RaftNode node, String key) {
        return new String(ClusterTesting.engineOf(node).get(bytes(key)).value(), StandardCharsets.UTF_8);
    }

    /** Member 3's snapshot after it applied {@code entries}, streamed to member 2 chunk by chunk. */
    private Snapshot streamSnapshotOf(List<LogEntry> entries) {
        member3 = openEngine(3);
        member3.memberRecord().save(new MemberRecord(entries.getLast().term(), 3, MEMBERS));
        member3.log().append(entries);
        member3.apply(entries);
        Snapshot snapshot = member3.createSnapshot();
        streamToMember2(snapshot);
        return snapshot;
    }

    /** Sends member 3's {@code snapshot} to member 2 (again), waiting for each chunk to be written. */
    private void streamToMember2(Snapshot snapshot) {
        try (SnapshotReader reader = member3.openSnapshotReader(snapshot, 4096)) {
            while (reader.hasNext()) {
                peers.deliverChunk(3, snapshot.lastIncludedIndex(), reader.next());
            }
        }
    }

    /** Snapshots member 2 received and has not installed, on disk. */
    private List<Path> receivedSnapshotsOfMember2() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("node-2").resolve("snapshots"))) {
            return files.filter(path -> path.getFileName().toString().startsWith("received-")).toList();
        }
    }

    /**
     * A periodic snapshot must not hold applying up, neither while it is prepared (a flush, half a
     * second under load) nor while it is taken (the checkpoint, then reading its new files to measure
     * them): the entries committed meanwhile are applied, and the snapshot is recorded once it is done.
     */
    @ParameterizedTest
    @EnumSource(value = SnapshotStepHeld.Step.class, names = {"PREPARE", "CREATE"})
    void entriesAreAppliedWhileAPeriodicSnapshotIsUnderWay(SnapshotStepHeld.Step step) throws Exception {
        StorageEngine engine = openEngine(2);
        SnapshotStepHeld storage = new SnapshotStepHeld(engine, step);
        NodeConfig options = new NodeConfig(2, MEMBERS, Duration.ofMillis(20), Duration.ofHours(1),
                3, Duration.ofSeconds(10), 4096);
        RaftNode member = RaftNode.start(options, storage, peers);
        toClose.add(member);
        try {
            peers.deliver(new Message.AppendEntries(1, 2, 1, 0, 0, List.of(put(1, 1, "a", "1"), put(2, 1, "b", "2"),
                    put(3, 1, "c", "3")), 3));
            assertTrue(storage.began.await(10, TimeUnit.SECONDS), "no snapshot was started after 3 entries");

            peers.deliver(new Message.AppendEntries(1, 2, 1, 3, 1, List.of(put(4, 1, "d", "4"), put(5, 1, "e", "5")), 5));
            assertEquals(5L, member.awaitApplied(5).get(10, TimeUnit.SECONDS), "applying waited for the snapshot");
            assertEquals("5", new String(engine.get(bytes("e")).value(), StandardCharsets.UTF_8));
            assertEquals(0, member.status().snapshotIndex(), "the snapshot was recorded before it was done");
        } finally {
            storage.release.countDown();
        }
        ClusterTesting.awaitTrue(() -> member.status().snapshotIndex() >= 3, Duration.ofSeconds(10),
                "the snapshot once it is done", () -> member.status().toString());
    }

    /**
     * Entries applied while a periodic snapshot is under way count toward the next one even when no
     * more come: a burst that ends during a snapshot must not leave the member's log unsnapshotted (and
     * so uncompacted) until the next write.
     */
    @Test
    void entriesAppliedDuringASnapshotAreSnapshottedWhenItEndsThoughNoMoreCome() throws Exception {
        StorageEngine engine = openEngine(2);
        SnapshotStepHeld storage = new SnapshotStepHeld(engine, SnapshotStepHeld.Step.CREATED);
        RaftNode member = RaftNode.start(new NodeConfig(2, MEMBERS, Duration.ofMillis(20), Duration.ofHours(1),
                3, Duration.ofSeconds(10), 4096), storage, peers);
        toClose.add(member);
        try {
            peers.deliver(new Message.AppendEntries(1, 2, 1, 0, 0, List.of(put(1, 1, "a", "1"), put(2, 1, "b", "2"),
                    put(3, 1, "c", "3")), 3));
            assertTrue(storage.began.await(10, TimeUnit.SECONDS), "no snapshot was taken after 3 entries");
            peers.deliver(new Message.AppendEntries(1, 2, 1, 3, 1, List.of(put(4, 1, "d", "4"), put(5, 1, "e", "5"),
                    put(6, 1, "f", "6"), put(7, 1, "g", "7")), 7));
            member.awaitApplied(7).get(10, TimeUnit.SECONDS);
        } finally {
            storage.release.countDown();
        }
        ClusterTesting.awaitTrue(() -> member.status().snapshotIndex() == 7, Duration.ofSeconds(10),
                "a snapshot of the entries applied while the first was taken", () -> member.status().toString());
    }

    /** A snapshot asked for and still being taken when the member closes is answered, not left waiting. */
    @Test
    void aSnapshotAskedForWhileTheMemberClosesIsAnswered() throws Exception {
        SnapshotStepHeld storage = new SnapshotStepHeld(openEngine(2), SnapshotStepHeld.Step.CREATE);
        RaftNode member = RaftNode.start(new NodeConfig(2, MEMBERS, Duration.ofMillis(20), Duration.ofHours(1),
                1_000_000, Duration.ofSeconds(10), 4096), storage, peers);
        toClose.add(member);
        peers.deliver(new Message.AppendEntries(1, 2, 1, 0, 0, List.of(put(1, 1, "a", "1")), 1));
        member.awaitApplied(1).get(10, TimeUnit.SECONDS);
        CompletableFuture<Long> asked = member.snapshotNow();
        assertTrue(storage.began.await(10, TimeUnit.SECONDS), "the snapshot was not started");
        CompletableFuture<Void> closing = CompletableFuture.runAsync(member::close);
        try {
            ExecutionException answer = assertThrows(ExecutionException.class, () -> asked.get(10, TimeUnit.SECONDS));
            assertInstanceOf(RaftOutcomeUnknownException.class, answer.getCause());
        } finally {
            storage.release.countDown();
        }
        closing.get(10, TimeUnit.SECONDS);
    }

    @Test
    void statusShowsTheSnapshotThatSnapshotNowAnsweredWhileTheLoopIsBusy() throws InterruptedException {
        RaftNode member = startMember2();
        peers.deliver(new Message.AppendEntries(1, 2, 1, 0, 0, List.of(put(1, 1, "a", "1"), put(2, 1, "b", "2"),
                put(3, 1, "c", "3")), 3));
        member.awaitApplied(3).join();
        // The loop stays busy answering this heartbeat until the test lets it go.
        peers.holdSends();
        peers.deliver(new Message.Heartbeat(1, 2, 1, 3, 0));
        peers.awaitASendHeld();

        long index = member.snapshotNow().join();
        assertEquals(3, index);
        assertEquals(3, member.status().snapshotIndex(), "STATUS after the snapshot answered: " + member.status());
        peers.releaseSends();
    }

    @Test
    void aReceivedSnapshotThatRaftHasNotInstalledNeverStandsInForTheMembersOwnLog() {
        RaftNode member = startMember2();
        // Leader 1 of term 1 gets entries 1..5 to member 2 but commits only 1..2.
        peers.deliver(new Message.AppendEntries(1, 2, 1, 0, 0, List.of(put(1, 1, "a", "1"), put(2, 1, "b", "2"),
                put(3, 1, "k", "stale-3"), put(4, 1, "k", "stale-4"), put(5, 1, "k", "stale-5")), 2));
        member.awaitApplied(2).join();

        // Leader 3 of term 2 committed other entries at 3..4 and sends its snapshot at 4. Its bytes
        // arrive; before Raft sees the InstallSnapshot message, member 2 takes a snapshot of its own.
        Snapshot leaders = streamSnapshotOf(List.of(put(1, 1, "a", "1"), put(2, 1, "b", "2"),
                put(3, 2, "k", "new-3"), put(4, 2, "k", "new-4")));
        long own = member.snapshotNow().join();
        assertEquals(2, own, "member 2's own snapshot covers what it applied, not the snapshot it received");
        assertTrue(member.status().snapshotIndex() < leaders.lastIncludedIndex(),
                "STATUS shows no snapshot that Raft has not installed: " + member.status());

        peers.deliver(new Message.InstallSnapshot(3, 2, 2, new SnapshotMeta(leaders.lastIncludedIndex(),
                leaders.lastIncludedTerm(), MEMBERS)));
        member.awaitApplied(4).join();
        assertEquals("new-4", valueOf(member, "k"), "member 2 holds leader 3's committed state, not its own stale entries");
        assertEquals(4, member.status().snapshotIndex());
    }

    @Test
    void aSnapshotResentAfterItWasInstalledLeavesNoCopyBehindAndIsStillAnswered() throws IOException {
        RaftNode member = startMember2();
        Snapshot leaders = streamSnapshotOf(List.of(put(1, 1, "a", "1"), put(2, 1, "b", "2"),
                put(3, 1, "c", "3"), put(4, 1, "d", "4")));
        Message.InstallSnapshot install = new Message.InstallSnapshot(3, 2, 1, new SnapshotMeta(
                leaders.lastIncludedIndex(), leaders.lastIncludedTerm(), MEMBERS));
        peers.deliver(install);
        member.awaitApplied(4).join();
        assertEquals(4, member.status().snapshotIndex());

        // The leader, not having heard back in time, sends the snapshot again; this copy finishes
        // after the first was installed, and is of no use to member 2.
        streamToMember2(leaders);
        assertEquals(List.of(), receivedSnapshotsOfMember2(), "a full copy of a snapshot already installed stays on disk");

        // The InstallSnapshot after the resent bytes still gets its answer, so the leader moves on.
        int answersBefore = answersToInstallSnapshot();
        peers.deliver(install);
        ClusterTesting.awaitTrue(() -> answersToInstallSnapshot() > answersBefore, Duration.ofSeconds(30),
                "member 2 to answer the resent InstallSnapshot", member::describe);
    }

    private int answersToInstallSnapshot() {
        return (int) peers.sent().stream().filter(m -> m instanceof Message.InstallSnapshotResponse).count();
    }
}
