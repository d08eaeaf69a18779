package io.tern.engine.state;

import io.tern.kv.KeyValue;
import io.tern.engine.StorageException;
import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static io.tern.engine.state.CommandCodecTest.assertContains;
import static io.tern.engine.state.TestEntries.bytes;
import static io.tern.engine.state.TestEntries.command;
import static io.tern.engine.state.TestEntries.config;
import static io.tern.engine.state.TestEntries.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What survives: checkpoints, flushes, and a crash with the WAL off. */
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
            assertEquals(0, store.durableAppliedIndex(), "with the WAL off, an apply alone is not durable");
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
     * Copies the files of a store that is still open, as a crash would leave them. A write made
     * after the last flush lives only in the memtable (the WAL is off), so it must be missing from
     * the copy, together with its applied index; a flushed write must be there.
     */
    @Test
    void aCrashKeepsWhatWasFlushedAndLosesWhatWasNotAsAWhole() throws IOException {
        Path live = temp.resolve("live");
        Path crashImage = temp.resolve("crash-image");
        try (RocksStateStore store = RocksStateStore.open(live)) {
            store.apply(List.of(config(1, 1, ONE), put(2, "flushed", "yes")));
            store.flush();
            store.apply(List.of(put(3, "flushed", "overwritten"), put(4, "unflushed", "lost")));
            copyFiles(live, crashImage);
        }
        try (RocksStateStore recovered = RocksStateStore.open(crashImage)) {
            assertEquals(new StatePoint(2, 1, ONE), recovered.appliedPoint());
            assertEquals(new ReadResult(2, bytes("yes")), recovered.get(bytes("flushed")));
            assertEquals(new ReadResult(2, null), recovered.get(bytes("unflushed")));
            assertEquals(2, recovered.durableAppliedIndex());
        }
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
