package io.tern.engine.state;

import io.tern.kv.KeyValue;
import io.tern.engine.StorageException;
import io.tern.raft.types.LogEntry;
import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static io.tern.engine.state.CommandCodecTest.assertContains;
import static io.tern.engine.state.TestEntries.bytes;
import static io.tern.engine.state.TestEntries.command;
import static io.tern.engine.state.TestEntries.config;
import static io.tern.engine.state.TestEntries.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What survives: checkpoints, flushes, a killed process, and a WAL that a power cut shortened. */
class RocksStateStoreDurabilityTest {

    private static final byte[] NONE = new byte[0];
    private static final Membership ONE = new Membership(List.of(new Member(1, "127.0.0.1:7379", true)));

    @TempDir
    Path temp;

    @Test
    void aCheckpointHoldsExactlyTheStateAtItsPoint() {
        Path live = temp.resolve("live");
        Path checkpointDir = temp.resolve("snapshots/at-3");
        StatePoint point;
        try (RocksStateStore store = RocksStateStore.open(live)) {
            store.apply(List.of(config(1, 2, ONE), put(2, 2, "changed", "before"), put(3, 2, "deleted", "x")));
            point = store.checkpoint(checkpointDir);
            store.apply(List.of(put(4, 3, "changed", "after"), command(5, 3, new Command.Delete(bytes("deleted"))), put(6, 3, "added", "y")));
            assertEquals(6, store.appliedIndex());
        }
        assertEquals(new StatePoint(3, 2, ONE), point);
        try (RocksStateStore snapshot = RocksStateStore.open(checkpointDir)) {
            assertEquals(point, snapshot.appliedPoint());
            assertEquals(List.of(
                    new KeyValue(bytes("changed"), bytes("before")),
                    new KeyValue(bytes("deleted"), bytes("x"))), snapshot.scan(NONE, NONE, 0).entries());
        }
    }

    @Test
    void aCheckpointIntoAnExistingDirectoryIsRefused() throws IOException {
        Path existing = Files.createDirectories(temp.resolve("existing"));
        try (RocksStateStore store = RocksStateStore.open(temp.resolve("live"))) {
            var e = assertThrows(StorageException.class, () -> store.checkpoint(existing));
            assertContains(e.getMessage(), "already exists");
        }
    }

    @Test
    void durableAppliedIndexMovesOnlyWithFlushesAndCheckpoints() {
        Path live = temp.resolve("live");
        try (RocksStateStore store = RocksStateStore.open(live)) {
            assertEquals(0, store.durableAppliedIndex());
            store.apply(List.of(put(1, "k", "v"), put(2, "k", "w")));
            assertEquals(0, store.durableAppliedIndex(), "an apply alone is in the WAL, which no write syncs");
            assertEquals(2, store.flush());
            assertEquals(2, store.durableAppliedIndex());
            store.apply(List.of(put(3, "k", "x")));
            store.checkpoint(temp.resolve("checkpoint"));
            assertEquals(3, store.durableAppliedIndex());
            store.apply(List.of(put(4, "k", "y")));
        }
        try (RocksStateStore reopened = RocksStateStore.open(live)) {
            assertEquals(4, reopened.durableAppliedIndex(), "a clean close flushes");
        }
    }

    /**
     * Copies the files of a store that is still open, as a killed process leaves them: the writes it
     * made to files are there, synced or not (the kernel keeps them). A write made after the last
     * flush is in RocksDB's WAL, so the copy holds every applied write, with its applied index, and
     * a restart has nothing to replay from the Raft log.
     */
    @Test
    void aKilledProcessKeepsEveryAppliedWrite() throws IOException {
        Path crashImage = crashImageAfterAFlush(List.of(put(3, "flushed", "overwritten"), put(4, "unflushed", "kept")));
        try (RocksStateStore recovered = RocksStateStore.open(crashImage)) {
            assertEquals(new StatePoint(4, 1, ONE), recovered.appliedPoint());
            assertEquals(new ReadResult(4, bytes("overwritten")), recovered.get(bytes("flushed")));
            assertEquals(new ReadResult(4, bytes("kept")), recovered.get(bytes("unflushed")));
            assertEquals(4, recovered.durableAppliedIndex(), "the open flushes what the WAL held");
        }
    }

    /**
     * A power cut may keep only part of the WAL, which no write syncs: the copy's current WAL file
     * (RocksDB numbers them in order; the one before the flush may not be deleted yet) is cut inside
     * its last record. What survives is a whole prefix of the applies, each with its own applied
     * index, so the Raft log replays exactly the rest.
     */
    @Test
    void aWalCutByAPowerLossLeavesAWholePrefixOfTheApplies() throws IOException {
        Path crashImage = crashImageAfterAFlush(List.of(put(3, "flushed", "overwritten")),
                List.of(put(4, "cut", "lost"), put(5, "cut-too", "lost")));
        Path wal;
        try (Stream<Path> files = Files.list(crashImage)) {
            wal = files.filter(file -> file.getFileName().toString().endsWith(".log"))
                    .max(Comparator.comparing(file -> file.getFileName().toString())).orElseThrow();
        }
        try (FileChannel channel = FileChannel.open(wal, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() - 10); // inside the last apply's record
        }
        try (RocksStateStore recovered = RocksStateStore.open(crashImage)) {
            assertEquals(new StatePoint(3, 1, ONE), recovered.appliedPoint());
            assertEquals(new ReadResult(3, bytes("overwritten")), recovered.get(bytes("flushed")));
            assertEquals(new ReadResult(3, null), recovered.get(bytes("cut")));
        }
    }

    /**
     * The files of a store, copied while it is open, that applied and flushed entries 1-2 (key
     * "flushed" = "yes") and then applied each of {@code unflushedRuns} as a run of its own.
     */
    @SafeVarargs
    private Path crashImageAfterAFlush(List<LogEntry>... unflushedRuns) throws IOException {
        Path live = temp.resolve("live");
        Path crashImage = temp.resolve("crash-image");
        try (RocksStateStore store = RocksStateStore.open(live)) {
            store.apply(List.of(config(1, 1, ONE), put(2, "flushed", "yes")));
            store.flush();
            for (List<LogEntry> run : unflushedRuns) {
                store.apply(run);
            }
            copyFiles(live, crashImage);
        }
        return crashImage;
    }

    private static void copyFiles(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }
}
