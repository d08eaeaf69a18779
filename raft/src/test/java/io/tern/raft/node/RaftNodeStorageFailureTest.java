package io.tern.raft.node;

import io.tern.engine.EngineConfig;
import io.tern.engine.FsyncPolicy;
import io.tern.engine.StorageEngine;
import io.tern.engine.StorageException;
import io.tern.engine.cluster.ClusterIdentity;
import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;
import io.tern.platform.TmpfsMount;
import io.tern.engine.state.Command;
import io.tern.raft.core.Message;
import io.tern.raft.core.Role;
import io.tern.raft.transport.DelegatingPeerTransport;
import io.tern.raft.transport.PeerTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * What a member does when its storage or one of its threads fails: it stops, fails what waits on
 * it at once, and tells its {@link FatalFailureListener} in one line that names its data directory
 * and the error (a server then exits). A failed periodic snapshot is not such a failure.
 */
class RaftNodeStorageFailureTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final List<String> fatalLines = new CopyOnWriteArrayList<>();
    private final List<Throwable> fatalCauses = new CopyOnWriteArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        Exception first = null;
        for (AutoCloseable resource : cleanup.reversed()) {
            try {
                resource.close();
            } catch (StorageException expected) {
                // An engine closed on the disk a test filled cannot write its last sync marker; the
                // disk behind it must still be unmounted.
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private RaftNode startAlone(Path data, long snapshotEntries) {
        Membership alone = new Membership(List.of(new Member(1, "127.0.0.1:1", true)));
        StorageEngine engine = StorageEngine.open(EngineConfig.defaults(data, new ClusterIdentity("c", 1),
                FsyncPolicy.ALWAYS));
        cleanup.add(engine);
        RaftNode node = RaftNode.start(new NodeConfig(1, alone, Duration.ofMillis(20), Duration.ofMillis(200),
                snapshotEntries, Duration.ofSeconds(10), 64 * 1024), engine, new LocalNetwork().transportFor(1),
                this::recordFatal);
        cleanup.add(node);
        node.campaign();
        ClusterTesting.awaitTrue(() -> node.status().role() == Role.LEADER, WAIT, "leadership", node::describe);
        return node;
    }

    private void recordFatal(String line, Throwable cause) {
        fatalLines.add(line);
        fatalCauses.add(cause);
    }

    private static CompletableFuture<Applied> put(RaftNode node, String key, int valueBytes) {
        return node.propose(new Command.Put(key.getBytes(StandardCharsets.UTF_8), new byte[valueBytes]).encode());
    }

    private TmpfsMount mountOrSkip(Path at, long bytes) throws IOException {
        try {
            TmpfsMount mount = TmpfsMount.mount(at, bytes);
            cleanup.add(mount);
            return mount;
        } catch (TmpfsMount.RefusedException e) {
            System.out.println("skipped: " + e.getMessage());
            return abort(e.getMessage());
        }
    }

    @Test
    void aFullDiskStopsTheMemberWithOneLineNamingItsDataDirectory() throws Exception {
        TmpfsMount disk = mountOrSkip(dir.resolve("disk"), 32L << 20);
        Path data = disk.directory().resolve("data");
        RaftNode node = startAlone(data, 100_000);
        put(node, "before", 1000).get(10, TimeUnit.SECONDS);
        // The applier marks what it applied as committed once idle; a mark written after the fill would
        // stop the member before the proposal below is made (seen under load).
        StorageEngine engine = ClusterTesting.engineOf(node);
        long applied = engine.appliedIndex();
        ClusterTesting.awaitTrue(() -> engine.log().committedIndex() >= applied, WAIT, "the commit mark of the put",
                node::describe);
        disk.fill(disk.directory().resolve("ballast"), 256 * 1024);

        var error = assertThrows(Exception.class, () -> put(node, "after", 100_000).get(10, TimeUnit.SECONDS));
        assertInstanceOf(RaftOutcomeUnknownException.class, error.getCause(), "the proposal fails at once, outcome unknown");
        ClusterTesting.awaitTrue(() -> !fatalLines.isEmpty(), WAIT, "the fatal listener", node::describe);
        assertEquals(1, fatalLines.size(), "told once: " + fatalLines);
        String line = fatalLines.getFirst();
        assertTrue(line.startsWith("member 1 stops, data directory " + data + ": no space left on device"), line);
        assertTrue(!line.contains("\n"), "one line: " + line);
        assertThrows(CompletionException.class, () -> put(node, "later", 1).join(), "a stopped member takes nothing");
    }

    /** Three members on {@code network}, member 1 leading; its sends throw once {@code armed}. */
    private RaftNode startThreeLedByAFailingMember1(LocalNetwork network, AtomicBoolean armed) throws Exception {
        Membership three = new Membership(List.of(new Member(1, "127.0.0.1:1", true),
                new Member(2, "127.0.0.1:2", true), new Member(3, "127.0.0.1:3", true)));
        List<RaftNode> nodes = new ArrayList<>();
        for (long id = 1; id <= 3; id++) {
            StorageEngine engine = StorageEngine.open(EngineConfig.defaults(dir.resolve("node-" + id),
                    new ClusterIdentity("c", id), FsyncPolicy.ALWAYS));
            cleanup.add(engine);
            PeerTransport transport = network.transportFor(id);
            RaftNode node = RaftNode.start(new NodeConfig(id, three, Duration.ofMillis(20), Duration.ofMillis(200),
                    100_000, Duration.ofSeconds(10), 64 * 1024), engine,
                    id == 1 ? new FailingTransport(transport, armed) : transport, this::recordFatal);
            cleanup.add(node);
            nodes.add(node);
        }
        RaftNode one = nodes.getFirst();
        ClusterTesting.makeLeader(one, nodes, WAIT);
        put(one, "k", 10).get(10, TimeUnit.SECONDS);
        return one;
    }

    @Test
    void anErrorOnTheLoopStopsTheMemberInsteadOfKillingTheThreadQuietly() throws Exception {
        LocalNetwork network = new LocalNetwork();
        cleanup.add(network);
        AtomicBoolean armed = new AtomicBoolean();
        RaftNode one = startThreeLedByAFailingMember1(network, armed);

        armed.set(true);
        CompletableFuture<Applied> waiting = put(one, "k2", 10);
        ClusterTesting.awaitTrue(() -> !fatalLines.isEmpty(), WAIT, "the fatal listener", one::describe);
        assertInstanceOf(InternalError.class, fatalCauses.getFirst());
        assertTrue(fatalLines.getFirst().contains("java.lang.InternalError: a fault occurred in an unsafe memory access"),
                fatalLines.getFirst());
        var error = assertThrows(Exception.class, () -> waiting.get(5, TimeUnit.SECONDS),
                "what waited on the member fails at once, not at its timeout");
        assertInstanceOf(RaftOutcomeUnknownException.class, error.getCause());
    }

    @Test
    void aTransferStillWaitingWhenTheLeaderFailsFailsAtOnce() throws Exception {
        LocalNetwork network = new LocalNetwork();
        cleanup.add(network);
        AtomicBoolean armed = new AtomicBoolean();
        RaftNode one = startThreeLedByAFailingMember1(network, armed);
        // Cut off, member 3 never takes over: the transfer waits, checking once per heartbeat.
        network.isolate(3);
        CompletableFuture<Void> transfer = one.transferLeadership(3);
        one.describe(); // answered by the loop after it took the transfer
        assertTrue(!transfer.isDone(), "the transfer waits for member 3: " + transfer);

        armed.set(true);
        ClusterTesting.awaitTrue(() -> !fatalLines.isEmpty(), WAIT, "the fatal listener", one::describe);
        var error = assertThrows(ExecutionException.class, () -> transfer.get(5, TimeUnit.SECONDS),
                "a failed member answers the transfer it was waiting on");
        assertInstanceOf(RaftOutcomeUnknownException.class, error.getCause());
    }

    @Test
    void aReadThatArrivesWhileTheMemberStopsFailsInsteadOfWaitingForever() throws Exception {
        ScriptedPeers peers = new ScriptedPeers();
        AtomicBoolean armed = new AtomicBoolean();
        Membership three = new Membership(List.of(new Member(1, "127.0.0.1:1", true),
                new Member(2, "127.0.0.1:2", true), new Member(3, "127.0.0.1:3", true)));
        StorageEngine engine = StorageEngine.open(EngineConfig.defaults(dir.resolve("node-2"),
                new ClusterIdentity("c", 2), FsyncPolicy.NEVER));
        cleanup.add(engine);
        // Member 2 never campaigns: only the heartbeat the test delivers makes it send (and fail).
        RaftNode member = RaftNode.start(new NodeConfig(2, three, Duration.ofMillis(20), Duration.ofHours(1),
                100_000, Duration.ofSeconds(10), 4096), engine, new FailingTransport(peers, armed), this::recordFatal);
        cleanup.add(member);

        // The member fails a waiting read on the failing thread, inside its stop: after the applier
        // failed what waited, before the timers stop. A read that arrives right then sorts before the
        // waiter being failed, so the applier's sweep has already passed its place.
        CompletableFuture<CompletableFuture<Long>> arrivedWhileStopping = new CompletableFuture<>();
        member.awaitApplied(Long.MAX_VALUE / 2).whenComplete((index, error) ->
                arrivedWhileStopping.complete(member.awaitApplied(Long.MAX_VALUE / 4)));
        armed.set(true);
        peers.deliver(new Message.Heartbeat(1, 2, 1, 0, 0));

        CompletableFuture<Long> late = arrivedWhileStopping.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        var error = assertThrows(ExecutionException.class, () -> late.get(5, TimeUnit.SECONDS),
                "a read that arrived while the member stopped fails, not never");
        assertInstanceOf(RaftOutcomeUnknownException.class, error.getCause());
        ClusterTesting.awaitTrue(() -> !fatalLines.isEmpty(), WAIT, "the fatal listener", member::describe);
    }

    @Test
    void aFailedSnapshotIsRetriedLaterAndNeverStopsTheMember() throws Exception {
        Path data = dir.resolve("data");
        // Snapshots on a disk of their own, full: checkpoints fail while the log and the state go on.
        TmpfsMount snapshotDisk = mountOrSkip(data.resolve("snapshots"), 4L << 20);
        snapshotDisk.fill(snapshotDisk.directory().resolve("ballast"), 0);
        RaftNode node = startAlone(data, 20);
        for (int i = 0; i < 60; i++) {
            put(node, "k" + i, 1000).get(10, TimeUnit.SECONDS);
        }
        assertEquals(0, node.status().snapshotIndex(), "no snapshot fits on the full disk");

        Files.delete(snapshotDisk.directory().resolve("ballast"));
        int[] written = {60};
        ClusterTesting.awaitTrue(() -> {
            put(node, "k" + written[0]++, 1000).join();
            return node.status().snapshotIndex() > 0;
        }, WAIT, "a snapshot once there is room", node::describe);
        assertEquals(List.of(), fatalLines, "a failed snapshot is not fatal");
    }

    /** A transport whose send throws the Error a SIGBUS on a mapped write becomes, once armed. */
    private static final class FailingTransport extends DelegatingPeerTransport {

        private final AtomicBoolean armed;

        FailingTransport(PeerTransport delegate, AtomicBoolean armed) {
            super(delegate);
            this.armed = armed;
        }

        @Override
        public void send(Message message, Runnable ifNotSent) {
            if (armed.get()) {
                throw new InternalError("a fault occurred in an unsafe memory access operation");
            }
            super.send(message, ifNotSent);
        }
    }
}
