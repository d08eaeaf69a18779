package io.tern.engine;

import io.tern.engine.cluster.ClusterIdentity;
import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;
import io.tern.engine.io.DurableFiles;
import io.tern.raft.types.EntryKind;
import io.tern.raft.types.LogEntry;
import io.tern.engine.log.LogConfig;
import io.tern.engine.snapshot.Snapshot;
import io.tern.engine.snapshot.SnapshotInstaller;
import io.tern.engine.snapshot.SnapshotReader;
import io.tern.engine.state.Command;
import io.tern.engine.state.ChangeListener;
import io.tern.engine.state.CommandResult;
import io.tern.engine.state.CompactedRevisionException;
import io.tern.engine.state.LeaseInfo;
import io.tern.kv.KeyRange;
import io.tern.kv.PutRequest;
import io.tern.kv.RangeRequest;
import io.tern.kv.RangeResponse;
import io.tern.kv.VersionedKeyValue;
import io.tern.kv.WatchEvent;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StorageEngineTest {

    @TempDir
    Path dir;

    private final SetTimeProvider clock = new SetTimeProvider(1_700_000_000_000_000_000L);
    private final ClusterIdentity member1 = new ClusterIdentity("test-cluster", 1);
    private final ClusterIdentity member2 = new ClusterIdentity("test-cluster", 2);

    private StorageEngine open(Path data, ClusterIdentity identity) {
        return StorageEngine.open(new EngineConfig(data, identity,
                new LogConfig(FsyncPolicy.ALWAYS, TestRollCycles.TEST_SECONDLY, clock), 2));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static LogEntry command(long index, Command command) {
        return new LogEntry(index, 1, EntryKind.COMMAND, command.encode());
    }

    private static LogEntry put(long index, long term, String key, String value) {
        return new LogEntry(index, term, EntryKind.COMMAND, new Command.Put(bytes(key), bytes(value)).encode());
    }

    /** Appends puts of key-(i mod 10) = value-i for indexes from..to, syncs and applies them. */
    private static void writeAndApply(StorageEngine engine, long from, long to, long term) {
        List<LogEntry> entries = new ArrayList<>();
        for (long index = from; index <= to; index++) {
            entries.add(put(index, term, "key-" + (index % 10), "value-" + index));
        }
        engine.log().append(entries);
        engine.log().sync();
        engine.apply(entries);
    }

    @Test
    void aFreshDirectoryOpensEmptyAndReportsNothingToRecover() {
        try (StorageEngine engine = open(dir.resolve("data"), member1)) {
            RecoveryReport report = engine.recoveryReport();
            assertEquals(0, report.entriesReplayed());
            assertEquals(0, report.appliedIndex());
            assertEquals(0, report.snapshotRestored());
            assertTrue(report.toString().contains("0 entries replayed"), report.toString());
        }
    }

    @Test
    void appliedWritesAreReadableAndSurviveReopen() {
        Path data = dir.resolve("data");
        try (StorageEngine engine = open(data, member1)) {
            writeAndApply(engine, 1, 25, 1);
            assertArrayEquals(bytes("value-25"), engine.get(bytes("key-5")).value());
            assertEquals(25, engine.get(bytes("key-5")).revision());
        }
        try (StorageEngine engine = open(data, member1)) {
            assertEquals(25, engine.appliedIndex());
            assertArrayEquals(bytes("value-24"), engine.get(bytes("key-4")).value());
            assertEquals(10, engine.scan(bytes(""), bytes(""), 0).entries().size());
        }
    }

    @Test
    void aLostStateIsRebuiltByReplayingTheCommittedLogButNotTheUncommittedTail() throws IOException {
        Path data = dir.resolve("data");
        try (StorageEngine engine = open(data, member1)) {
            writeAndApply(engine, 1, 40, 1);
            engine.log().append(List.of(put(41, 1, "key-1", "never-committed")));
            engine.log().sync();
        }
        DurableFiles.deleteTree(data.resolve("state"));
        try (StorageEngine engine = open(data, member1)) {
            assertEquals(40, engine.recoveryReport().entriesReplayed());
            assertEquals(40, engine.appliedIndex());
            assertArrayEquals(bytes("value-31"), engine.get(bytes("key-1")).value());
            assertEquals(41, engine.log().lastIndex(), "the uncommitted entry stays in the log for Raft to decide");
        }
    }

    @Test
    void entriesAppliedWithoutAMarkAreReplayedOnlyUpToTheLastMark() throws IOException {
        Path data = dir.resolve("data");
        try (StorageEngine engine = open(data, member1)) {
            writeAndApply(engine, 1, 10, 1);
            List<LogEntry> unmarked = new ArrayList<>();
            for (long index = 11; index <= 20; index++) {
                unmarked.add(put(index, 1, "key-" + (index % 10), "value-" + index));
            }
            engine.log().append(unmarked);
            engine.log().sync();
            engine.apply(unmarked.subList(0, 5), false);
            assertEquals(10, engine.log().committedIndex(), "applying without a mark leaves the watermark");
            engine.markAppliedCommitted();
            assertEquals(15, engine.log().committedIndex(), "the mark covers everything applied");
            engine.apply(unmarked.subList(5, 10), false);
            engine.log().sync();
        }
        DurableFiles.deleteTree(data.resolve("state"));
        try (StorageEngine engine = open(data, member1)) {
            assertEquals(15, engine.appliedIndex(), "recovery replays to the last mark; Raft re-applies the rest");
            assertEquals(20, engine.log().lastIndex());
        }
    }

    @Test
    void aStateWhoseApplyingPausesIsFlushedSoThatAProcessThatDiesThenReplaysNothing() throws IOException {
        Path data = dir.resolve("data");
        Path crashed = dir.resolve("crashed");
        try (StorageEngine engine = open(data, member1)) {
            writeAndApply(engine, 1, 20, 1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (engine.durableAppliedIndex() < 20) {
                assertTrue(System.nanoTime() < deadline, "the state was not flushed within 30 s of applying pausing");
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
            copyTree(data, crashed); // what the disk holds when the process dies now
        }
        try (StorageEngine engine = open(crashed, member1)) {
            assertEquals(20, engine.appliedIndex());
            assertEquals(0, engine.recoveryReport().entriesReplayed());
        }
    }

    @Test
    void aLogThatCannotOpenLeavesTheStateThatOpenedBesideItClosed() throws IOException {
        Path data = dir.resolve("data");
        try (StorageEngine engine = open(data, member1)) {
            writeAndApply(engine, 1, 5, 1);
        }
        Path logDirectory = data.resolve("log");
        Path setAside = dir.resolve("log-set-aside");
        Files.move(logDirectory, setAside);
        Files.writeString(logDirectory, "a file where the log's directory belongs");
        assertThrows(StorageException.class, () -> open(data, member1));
        Files.delete(logDirectory);
        Files.move(setAside, logDirectory);
        try (StorageEngine engine = open(data, member1)) { // RocksDB's lock was released
            assertEquals(5, engine.appliedIndex());
        }
    }

    @Test
    void aLogTailTornByAPowerCutIsCutOnOpenAndTheCommittedEntriesAreReplayed() throws IOException {
        Path data = dir.resolve("data");
        Path crashed = dir.resolve("crashed");
        try (StorageEngine engine = open(data, member1)) {
            writeAndApply(engine, 1, 20, 1);
            engine.log().sync();
            engine.log().append(List.of(put(21, 1, "key-1", "TORN-BY-THE-POWER-CUT"), put(22, 1, "key-2", "value-22")));
            // The power cut: what the disk holds now, with no clean close, and entry 21 never fully written.
            copyTree(data, crashed);
        }
        zeroInLog(crashed, "TORN-BY-THE-POWER-CUT");
        try (StorageEngine engine = open(crashed, member1)) {
            RecoveryReport report = engine.recoveryReport();
            assertEquals(1, report.tornTailsCut());
            assertTrue(report.toString().contains("torn by a crash cut off"), report.toString());
            assertEquals(20, engine.log().lastIndex(), "cut at the torn entry, though an intact one follows");
            assertEquals(20, engine.appliedIndex());
            assertArrayEquals(bytes("value-11"), engine.get(bytes("key-1")).value());
            writeAndApply(engine, 21, 21, 2);
        }
        try (StorageEngine engine = open(crashed, member1)) {
            assertEquals(0, engine.recoveryReport().tornTailsCut());
            assertEquals(21, engine.appliedIndex());
        }
    }

    /**
     * With no compaction of the log (which runs on Raft's thread), taking a snapshot deletes those
     * beyond the number to keep; and the snapshot kept, whose table files the ones before measured,
     * streams out with every checksum right.
     */
    @Test
    void takingASnapshotDeletesThoseBeyondTheNumberToKeep() throws IOException {
        Path data = dir.resolve("data");
        try (StorageEngine engine = open(data, member1)) {
            List<Snapshot> taken = new ArrayList<>();
            for (int snapshot = 0; snapshot < 3; snapshot++) {
                writeAndApply(engine, snapshot * 10L + 1, snapshot * 10L + 10, 1);
                taken.add(engine.createSnapshot());
            }
            assertEquals(List.of(10L, 20L, 30L), taken.stream().map(Snapshot::lastIncludedIndex).toList());
            try (Stream<Path> kept = Files.list(data.resolve("snapshots"))) {
                assertEquals(List.of("snap-00000000000000000020-1", "snap-00000000000000000030-1"),
                        kept.map(path -> path.getFileName().toString()).sorted().toList());
            }
            long chunks = 0;
            try (SnapshotReader reader = engine.openSnapshotReader(taken.getLast(), 4096)) {
                while (reader.hasNext()) {
                    reader.next();
                    chunks++;
                }
            }
            assertTrue(chunks > 1, "the snapshot streamed whole, " + chunks + " chunks");
        }
    }

    @Test
    void aSnapshotCompactsTheLogAndRecoveryStartsFromTheState() throws IOException {
        Path data = dir.resolve("data");
        try (StorageEngine engine = open(data, member1)) {
            for (int file = 0; file < 4; file++) {
                writeAndApply(engine, file * 100L + 1, file * 100L + 100, 1);
                clock.advanceMillis(1_000);
            }
            writeAndApply(engine, 401, 410, 1);
            Snapshot snapshot = engine.createSnapshot();
            assertEquals(410, snapshot.lastIncludedIndex());
            assertEquals(1, engine.log().firstIndex(), "taking a snapshot leaves the log alone");
            assertEquals(101, engine.compactLog(200), "a member that needs index 200 keeps its file");
            assertEquals(201, engine.compactLog(201), "and one that needs 201 only the file that starts there");
            assertEquals(201, engine.compactLog(250), "a member that needs index 250 keeps its file");
            assertEquals(401, engine.compactLog(Long.MAX_VALUE), "files wholly below the snapshot are gone");
            assertEquals(snapshot, engine.latestSnapshot().orElseThrow());
            assertEquals(snapshot, engine.createSnapshot(), "nothing new applied: the same snapshot");
        }
        try (StorageEngine engine = open(data, member1)) {
            assertEquals(410, engine.appliedIndex());
            assertEquals(0, engine.recoveryReport().entriesReplayed());
            assertEquals(401, engine.log().firstIndex());
            writeAndApply(engine, 411, 411, 2);
            assertArrayEquals(bytes("value-411"), engine.get(bytes("key-1")).value());
        }
    }

    @Test
    void aSnapshotStreamedFromAnotherMemberReplacesStateAndLog() {
        Membership members = new Membership(List.of(new Member(1, "a:1", true), new Member(2, "b:2", true)));
        try (StorageEngine leader = open(dir.resolve("leader"), member1);
             StorageEngine follower = open(dir.resolve("follower"), member2)) {
            leader.log().append(List.of(new LogEntry(1, 3, EntryKind.CONFIG, members.encode())));
            leader.apply(List.of(leader.log().entry(1)));
            writeAndApply(leader, 2, 500, 3);
            Snapshot snapshot = leader.createSnapshot();

            writeAndApply(follower, 1, 20, 1);
            follower.log().append(List.of(put(21, 2, "key-1", "from-a-deposed-leader")));

            assertTrue(stream(leader, snapshot, 4096, follower));
            assertEquals(500, follower.appliedIndex());
            assertEquals(members, follower.appliedPoint().membership());
            assertArrayEquals(bytes("value-491"), follower.get(bytes("key-1")).value());
            assertEquals(501, follower.log().firstIndex(), "the conflicting log was discarded");
            assertEquals(500, follower.log().lastIndex());
            writeAndApply(follower, 501, 505, 3);
        }
        try (StorageEngine follower = open(dir.resolve("follower"), member2)) {
            assertEquals(505, follower.appliedIndex());
            assertEquals(501, follower.log().firstIndex());
        }
    }

    @Test
    void aSnapshotCarriesHistoryTheCompactionRevisionAndLeases() {
        try (StorageEngine leader = open(dir.resolve("leader"), member1);
             StorageEngine follower = open(dir.resolve("follower"), member2)) {
            List<LogEntry> entries = new ArrayList<>();
            entries.add(command(1, new Command.LeaseGrant(42, 30)));
            entries.add(command(2, new Command.Kv(new PutRequest(bytes("held"), bytes("1"), 42, false, false, false))));
            for (long index = 3; index <= 20; index++) {
                entries.add(put(index, 1, "key", "value-" + index));
            }
            entries.add(command(21, new Command.Compact(10)));
            leader.log().append(entries);
            leader.log().sync();
            leader.apply(entries);
            Snapshot snapshot = leader.createSnapshot();

            List<String> heard = new ArrayList<>();
            follower.addChangeListener(new ChangeListener() {
                @Override
                public void applied(long appliedIndex, List<WatchEvent> events) {
                    heard.add("applied " + appliedIndex);
                }

                @Override
                public void replaced(long appliedIndex) {
                    heard.add("replaced " + appliedIndex);
                }
            });
            assertTrue(stream(leader, snapshot, 4096, follower));
            assertEquals(List.of("replaced 21"), heard);
            assertEquals(10, follower.compactRevision());
            assertEquals(List.of(new LeaseInfo(42, 30, List.of())), follower.leases());
            assertArrayEquals(bytes("held"), follower.lease(42).orElseThrow().keys().getFirst());
            RangeResponse atTwelve = follower.range(RangeRequest.of(KeyRange.single(bytes("key"))).atRevision(12),
                    Long.MAX_VALUE).response();
            assertEquals(List.of(new VersionedKeyValue(bytes("key"), bytes("value-12"), 3, 12, 10, 0)), atTwelve.kvs());
            assertEquals(leader.history(10, 100, Long.MAX_VALUE, true), follower.history(10, 100, Long.MAX_VALUE, true));
            assertEquals(11, follower.history(10, 100, Long.MAX_VALUE, true).events().size());
            assertThrows(CompactedRevisionException.class, () -> follower.history(9, 100, Long.MAX_VALUE, false));
        }
    }

    @Test
    void changeListenersHearEveryChangeOnceInOrderWithThePreviousVersion() {
        try (StorageEngine engine = open(dir.resolve("data"), member1)) {
            List<WatchEvent> heard = new ArrayList<>();
            List<Long> appliedIndexes = new ArrayList<>();
            engine.addChangeListener(new ChangeListener() {
                @Override
                public void applied(long appliedIndex, List<WatchEvent> events) {
                    appliedIndexes.add(appliedIndex);
                    heard.addAll(events);
                }

                @Override
                public void replaced(long appliedIndex) {
                    throw new AssertionError("nothing was installed");
                }
            });
            writeAndApply(engine, 1, 12, 1);
            List<LogEntry> more = List.of(
                    new LogEntry(13, 1, EntryKind.NOOP, new byte[0]),
                    command(14, new Command.Batch(List.of(new Command.Delete(bytes("key-1")),
                            new Command.Put(bytes("key-1"), bytes("again"))))));
            engine.log().append(more);
            engine.apply(more);
            assertEquals(List.of(12L, 14L), appliedIndexes);
            assertEquals(engine.history(1, 100, Long.MAX_VALUE, true).events(), heard);
            assertEquals(14, heard.size());
            WatchEvent last = heard.getLast();
            assertEquals(new VersionedKeyValue(bytes("key-1"), bytes("again"), 14, 14, 1, 0), last.kv());
            assertNull(last.prevKv(), "deleted just before, in the same revision");
            assertEquals(new VersionedKeyValue(bytes("key-1"), bytes("value-11"), 1, 11, 2, 0),
                    heard.get(heard.size() - 2).prevKv());
        }
    }

    @Test
    void aReceivedSnapshotIsNotTheMembersOwnUntilInstalled() {
        Path followerData = dir.resolve("follower");
        try (StorageEngine leader = open(dir.resolve("leader"), member1);
             StorageEngine follower = open(followerData, member2)) {
            writeAndApply(leader, 1, 20, 2);
            Snapshot leaders = leader.createSnapshot();
            writeAndApply(follower, 1, 5, 1);
            follower.log().append(List.of(put(6, 1, "key-6", "never-committed")));

            Snapshot received = receive(leader, leaders, follower);
            assertTrue(follower.latestSnapshot().isEmpty(), "a received snapshot is not the member's until installed");
            Snapshot own = follower.createSnapshot();
            assertEquals(5, own.lastIncludedIndex(), "the member's snapshot is of its own state");
            assertEquals(own, follower.latestSnapshot().orElseThrow());

            assertTrue(follower.installSnapshot(received));
            assertEquals(20, follower.latestSnapshot().orElseThrow().lastIncludedIndex());
            assertEquals(20, follower.appliedIndex());
        }
    }

    @Test
    void aReceivedSnapshotThatWasNeverInstalledIsGoneAfterAReopen() throws IOException {
        Path followerData = dir.resolve("follower");
        try (StorageEngine leader = open(dir.resolve("leader"), member1);
             StorageEngine follower = open(followerData, member2)) {
            writeAndApply(leader, 1, 20, 2);
            Snapshot leaders = leader.createSnapshot();
            writeAndApply(follower, 1, 5, 1);
            receive(leader, leaders, follower);
        }
        try (StorageEngine follower = open(followerData, member2)) {
            assertEquals(0, follower.recoveryReport().snapshotRestored());
            assertEquals(5, follower.appliedIndex());
            assertTrue(follower.latestSnapshot().isEmpty());
            try (Stream<Path> snapshots = Files.list(followerData.resolve("snapshots"))) {
                assertEquals(List.of(), snapshots.toList());
            }
        }
    }

    @Test
    void applySkipsTheEntriesThatASnapshotInstallOvertook() {
        try (StorageEngine leader = open(dir.resolve("leader"), member1);
             StorageEngine follower = open(dir.resolve("follower"), member2)) {
            writeAndApply(leader, 1, 20, 2);
            Snapshot leaders = leader.createSnapshot();
            writeAndApply(follower, 1, 5, 2);
            // The applier took entries 6..10 to apply when the log thread installed the snapshot at 20.
            List<LogEntry> overtaken = new ArrayList<>();
            for (long index = 6; index <= 10; index++) {
                overtaken.add(put(index, 2, "key-" + (index % 10), "value-" + index));
            }
            follower.log().append(overtaken);
            assertTrue(stream(leader, leaders, 4096, follower));

            assertEquals(List.of(), follower.apply(overtaken), "nothing of an overtaken batch is applied");
            assertEquals(20, follower.appliedIndex());
            List<LogEntry> straddling = List.of(put(19, 2, "key-9", "value-19"), put(20, 2, "key-0", "value-20"),
                    put(21, 2, "key-1", "value-21"));
            follower.log().append(straddling.subList(2, 3));
            assertEquals(List.of(new CommandResult.Written()), follower.apply(straddling),
                    "one result, for the one entry after the applied index");
            assertEquals(21, follower.appliedIndex());
            assertArrayEquals(bytes("value-21"), follower.get(bytes("key-1")).value());
        }
    }

    @Test
    void aSnapshotNoNewerThanTheStateIsNotInstalled() {
        try (StorageEngine leader = open(dir.resolve("leader"), member1);
             StorageEngine follower = open(dir.resolve("follower"), member2)) {
            writeAndApply(leader, 1, 10, 1);
            Snapshot snapshot = leader.createSnapshot();
            writeAndApply(follower, 1, 12, 1);
            assertFalse(stream(leader, snapshot, 1 << 20, follower));
            assertEquals(12, follower.appliedIndex());
            assertEquals(12, follower.log().lastIndex());
        }
    }

    @Test
    void aCorruptSnapshotThatTheStateNeedsStopsTheOpenWithOneLine() throws IOException {
        Path followerData = dir.resolve("follower");
        try (StorageEngine follower = open(followerData, member2)) {
            writeAndApply(follower, 1, 5, 1);
        }
        Path planted = plantLeaderSnapshotOf300Entries(1, followerData);
        Path table = largestDataFile(planted);
        byte[] content = Files.readAllBytes(table);
        content[content.length / 2] ^= 0x40;
        Files.write(table, content);

        CorruptStorageException error = assertThrows(CorruptStorageException.class, () -> open(followerData, member2));
        assertTrue(error.getMessage().contains(planted.getFileName().toString()), error.getMessage());
        assertTrue(error.getMessage().contains("the log cannot replace it"), error.getMessage());
        assertFalse(error.getMessage().contains("\n"));
    }

    @Test
    void aSnapshotFromACrashedInstallIsFinishedOnOpen() throws IOException {
        Path followerData = dir.resolve("follower");
        try (StorageEngine follower = open(followerData, member2)) {
            writeAndApply(follower, 1, 5, 1);
            follower.log().append(List.of(put(6, 1, "key-6", "uncommitted")));
            follower.log().sync();
        }
        plantLeaderSnapshotOf300Entries(4, followerData);
        try (StorageEngine follower = open(followerData, member2)) {
            assertEquals(300, follower.recoveryReport().snapshotRestored());
            assertEquals(300, follower.appliedIndex());
            assertEquals(301, follower.log().firstIndex());
            assertArrayEquals(bytes("value-296"), follower.get(bytes("key-6")).value());
        }
    }

    @Test
    void aSnapshotCarriesTheBootstrapMembershipUntilAConfigEntryReplacesIt() {
        Membership bootstrap = new Membership(List.of(new Member(1, "a:1", true), new Member(2, "b:2", true)));
        try (StorageEngine engine = open(dir.resolve("data"), member1)) {
            engine.memberRecord().save(new io.tern.engine.meta.MemberRecord(1, 1, bootstrap));
            writeAndApply(engine, 1, 5, 1);
            assertEquals(bootstrap, engine.createSnapshot().membership());

            Membership grown = bootstrap.with(new Member(3, "c:3", false));
            LogEntry config = new LogEntry(6, 1, EntryKind.CONFIG, grown.encode());
            engine.log().append(List.of(config));
            engine.apply(List.of(config));
            assertEquals(grown, engine.createSnapshot().membership());
        }
    }

    @Test
    void applyResultsComeBackInOrder() {
        try (StorageEngine engine = open(dir.resolve("data"), member1)) {
            LogEntry put = put(1, 1, "k", "v");
            LogEntry cas = new LogEntry(2, 1, EntryKind.COMMAND,
                    new Command.CompareAndSet(bytes("k"), bytes("other"), bytes("w")).encode());
            engine.log().append(List.of(put, cas));
            List<CommandResult> results = engine.apply(List.of(put, cas));
            assertEquals(new CommandResult.Written(), results.get(0));
            assertEquals(new CommandResult.CasMismatch(bytes("v")), results.get(1));
        }
    }

    @Test
    void openingAsAnotherMemberIsRefused() {
        Path data = dir.resolve("data");
        open(data, member1).close();
        StorageException error = assertThrows(StorageException.class, () -> open(data, member2));
        assertTrue(error.getMessage().contains("belongs to cluster 'test-cluster' member 1"), error.getMessage());
        open(data, member1).close();
    }

    /** Streams {@code snapshot} chunk by chunk into {@code to}, where it is received but not installed. */
    private static Snapshot receive(StorageEngine from, Snapshot snapshot, StorageEngine to) {
        try (SnapshotReader reader = from.openSnapshotReader(snapshot, 4096);
             SnapshotInstaller installer = to.beginSnapshotInstall()) {
            while (reader.hasNext()) {
                installer.accept(reader.next());
            }
            return installer.finish();
        }
    }

    /** Streams {@code snapshot} chunk by chunk into {@code to}; returns whether it was installed. */
    private static boolean stream(StorageEngine from, Snapshot snapshot, int chunkBytes, StorageEngine to) {
        try (SnapshotReader reader = from.openSnapshotReader(snapshot, chunkBytes);
             SnapshotInstaller installer = to.beginSnapshotInstall()) {
            while (reader.hasNext()) {
                installer.accept(reader.next());
            }
            return to.installSnapshot(installer.finish());
        }
    }

    /**
     * Makes another member's snapshot of 300 entries and copies it into {@code followerData}'s
     * snapshots, as if an install had crashed right after renaming the received snapshot into place.
     */
    private Path plantLeaderSnapshotOf300Entries(long term, Path followerData) throws IOException {
        Path snapshotDirectory;
        try (StorageEngine leader = open(dir.resolve("leader"), member1)) {
            writeAndApply(leader, 1, 300, term);
            snapshotDirectory = leader.createSnapshot().directory();
        }
        Path planted = followerData.resolve("snapshots").resolve(snapshotDirectory.getFileName());
        copyTree(snapshotDirectory, planted);
        return planted;
    }

    private static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path path : paths.toList()) {
                Path destination = target.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(path, destination);
                }
            }
        }
    }

    /** Zeros the first bytes of {@code marker} where it is in the log of {@code data}, as a page that never reached the disk. */
    private static void zeroInLog(Path data, String marker) throws IOException {
        byte[] needle = bytes(marker);
        try (Stream<Path> files = Files.list(data.resolve("log"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".cq4")).toList()) {
                byte[] content = Files.readAllBytes(file);
                for (int at = 0; at + needle.length <= content.length; at++) {
                    if (java.util.Arrays.equals(content, at, at + needle.length, needle, 0, needle.length)) {
                        java.util.Arrays.fill(content, at, at + 8, (byte) 0);
                        Files.write(file, content);
                        return;
                    }
                }
            }
        }
        throw new AssertionError(marker + " is not in the log of " + data);
    }

    private static Path largestDataFile(Path snapshot) throws IOException {
        try (Stream<Path> files = Files.list(snapshot)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".sst"))
                    .max((a, b) -> Long.compare(a.toFile().length(), b.toFile().length()))
                    .orElseThrow();
        }
    }
}
