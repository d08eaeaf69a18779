package io.tern.engine.state;

import io.tern.kv.KeyValue;
import io.tern.engine.StorageException;
import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;
import io.tern.raft.types.EntryKind;
import io.tern.raft.types.LogEntry;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.tern.engine.state.CommandCodecTest.assertContains;
import static io.tern.engine.state.TestEntries.bytes;
import static io.tern.engine.state.TestEntries.command;
import static io.tern.engine.state.TestEntries.config;
import static io.tern.engine.state.TestEntries.delete;
import static io.tern.engine.state.TestEntries.put;
import static io.tern.engine.state.TestEntries.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RocksStateStoreApplyTest {

    private static final CommandResult WRITTEN = new CommandResult.Written();
    private static final Membership THREE = new Membership(List.of(
            new Member(1, "127.0.0.1:7379", true),
            new Member(2, "127.0.0.1:7380", true),
            new Member(3, "127.0.0.1:7381", false)));

    @TempDir
    Path dir;
    private RocksStateStore store;

    @BeforeEach
    void open() {
        store = RocksStateStore.open(dir);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void emptyStoreHasNothingApplied() {
        assertEquals(StatePoint.EMPTY, store.appliedPoint());
        assertEquals(new ReadResult(0, null), store.get(bytes("k")));
    }

    @Test
    void putIsReadBackWithTheRevisionThatWroteIt() {
        assertEquals(List.of(WRITTEN), store.apply(List.of(put(1, "k", "v1"))));
        assertEquals(new ReadResult(1, bytes("v1")), store.get(bytes("k")));
        store.apply(List.of(put(2, "k", "v2"), put(3, "other", "x")));
        assertEquals(new ReadResult(3, bytes("v2")), store.get(bytes("k")));
        assertEquals(3, store.appliedIndex());
    }

    @Test
    void emptyKeyAndEmptyValueArePresent() {
        store.apply(List.of(command(1, new Command.Put(new byte[0], new byte[0]))));
        ReadResult read = store.get(new byte[0]);
        assertTrue(read.found());
        assertArrayEquals(new byte[0], read.value());
        List<CommandResult> results = store.apply(List.of(
                command(2, new Command.CompareAndSet(new byte[0], null, bytes("x")))));
        assertEquals(List.of(new CommandResult.CasMismatch(new byte[0])), results);
    }

    @Test
    void deleteReportsWhetherTheKeyExisted() {
        store.apply(List.of(put(1, "k", "v")));
        assertEquals(List.of(new CommandResult.Deleted(true), new CommandResult.Deleted(false)),
                store.apply(List.of(delete(2, "k"), delete(3, "k"))));
        assertEquals(new ReadResult(3, null), store.get(bytes("k")));
    }

    @Test
    void casExpectingAbsenceWritesOnlyWhenAbsent() {
        List<CommandResult> results = store.apply(List.of(
                command(1, new Command.CompareAndSet(bytes("k"), null, bytes("first"))),
                command(2, new Command.CompareAndSet(bytes("k"), null, bytes("second")))));
        assertEquals(List.of(WRITTEN, new CommandResult.CasMismatch(bytes("first"))), results);
        assertEquals("first", text(store.get(bytes("k")).value()));
    }

    @Test
    void casExpectingAValueWritesOnlyOnMatchAndReportsTheCurrentValue() {
        store.apply(List.of(put(1, "k", "a")));
        assertEquals(List.of(new CommandResult.CasMismatch(bytes("a"))),
                store.apply(List.of(command(2, new Command.CompareAndSet(bytes("k"), bytes("b"), bytes("c"))))));
        assertEquals(new ReadResult(2, bytes("a")), store.get(bytes("k")), "a mismatch writes nothing");
        assertEquals(List.of(WRITTEN),
                store.apply(List.of(command(3, new Command.CompareAndSet(bytes("k"), bytes("a"), bytes("c"))))));
        assertEquals("c", text(store.get(bytes("k")).value()));
        assertEquals(List.of(new CommandResult.CasMismatch(null)),
                store.apply(List.of(command(4, new Command.CompareAndSet(bytes("absent"), bytes("c"), bytes("d"))))));
        assertNull(store.get(bytes("absent")).value());
    }

    @Test
    void casToNullDeletes() {
        store.apply(List.of(put(1, "k", "a")));
        assertEquals(List.of(WRITTEN),
                store.apply(List.of(command(2, new Command.CompareAndSet(bytes("k"), bytes("a"), null)))));
        assertNull(store.get(bytes("k")).value());
    }

    @Test
    void batchAppliesPutsAndDeletesInOrderAsOneWrite() {
        store.apply(List.of(put(1, "gone", "x"), put(2, "kept", "y")));
        Command batch = new Command.Batch(List.of(
                new Command.Put(bytes("new"), bytes("1")),
                new Command.Delete(bytes("gone")),
                new Command.Put(bytes("twice"), bytes("first")),
                new Command.Put(bytes("twice"), bytes("second")),
                new Command.Put(bytes("reborn"), bytes("r")),
                new Command.Delete(bytes("reborn"))));
        assertEquals(List.of(WRITTEN), store.apply(List.of(command(3, batch))));
        ScanResult all = store.scan(new byte[0], new byte[0], 0);
        assertEquals(List.of(
                new KeyValue(bytes("kept"), bytes("y")),
                new KeyValue(bytes("new"), bytes("1")),
                new KeyValue(bytes("twice"), bytes("second"))), all.entries());
        assertEquals(3, all.revision());
    }

    @Test
    void laterEntriesOfOneApplySeeTheWritesOfEarlierOnes() {
        List<CommandResult> results = store.apply(List.of(
                put(1, "k", "a"),
                command(2, new Command.CompareAndSet(bytes("k"), bytes("a"), bytes("b"))),
                command(3, new Command.CompareAndSet(bytes("k"), bytes("a"), bytes("c"))),
                delete(4, "k"),
                command(5, new Command.CompareAndSet(bytes("k"), null, bytes("d"))),
                command(6, new Command.Batch(List.of(new Command.Delete(bytes("k"))))),
                delete(7, "k")));
        assertEquals(List.of(WRITTEN, WRITTEN, new CommandResult.CasMismatch(bytes("b")),
                new CommandResult.Deleted(true), WRITTEN, WRITTEN, new CommandResult.Deleted(false)), results);
        assertEquals(new ReadResult(7, null), store.get(bytes("k")));
    }

    @Test
    void noopAndConfigEntriesAdvanceTheIndexAndConfigSetsTheMembership() {
        List<CommandResult> results = store.apply(List.of(
                LogEntry.noop(1, 2), config(2, 2, THREE), put(3, 2, "k", "v")));
        assertEquals(List.of(new CommandResult.NoResult(), new CommandResult.NoResult(), WRITTEN), results);
        assertEquals(new StatePoint(3, 2, THREE), store.appliedPoint());
        store.apply(List.of(LogEntry.noop(4, 3)));
        assertEquals(new StatePoint(4, 3, THREE), store.appliedPoint());
        assertEquals(4, store.get(bytes("k")).revision());
    }

    @Test
    void appliedPointAndDataSurviveReopen() {
        store.apply(List.of(config(1, 1, THREE), put(2, "k", "v"), LogEntry.noop(3, 5)));
        store.close();
        store = RocksStateStore.open(dir);
        assertEquals(new StatePoint(3, 5, THREE), store.appliedPoint());
        assertEquals(new ReadResult(3, bytes("v")), store.get(bytes("k")));
        assertEquals(List.of(WRITTEN), store.apply(List.of(put(4, 5, "k", "w"))), "continues after the reopened index");
    }

    @Test
    void aGapARepeatOrAFallingTermIsRefusedAndWritesNothing() {
        store.apply(List.of(put(1, "k", "v1"), command(2, 3, new Command.Put(bytes("k"), bytes("v2")))));

        var gap = assertThrows(IllegalStateException.class, () -> store.apply(List.of(put(4, 3, "k", "gap"))));
        assertContains(gap.getMessage(), "next entry to apply is 3");
        var repeat = assertThrows(IllegalStateException.class, () -> store.apply(List.of(put(2, 3, "k", "again"))));
        assertContains(repeat.getMessage(), "already applied");
        assertThrows(IllegalStateException.class,
                () -> store.apply(List.of(put(3, 3, "k", "ok"), put(5, 3, "k", "gap inside the run"))));
        var term = assertThrows(IllegalStateException.class,
                () -> store.apply(List.of(command(3, 2, new Command.Put(bytes("k"), bytes("older term"))))));
        assertContains(term.getMessage(), "terms never decrease");

        assertEquals(new StatePoint(2, 3, Membership.EMPTY), store.appliedPoint());
        assertEquals(new ReadResult(2, bytes("v2")), store.get(bytes("k")), "a refused run leaves no trace");
        store.apply(List.of(put(3, 3, "k", "v3")));
        assertEquals(new ReadResult(3, bytes("v3")), store.get(bytes("k")));
    }

    @Test
    void anUndecodableCommandRefusesTheWholeRun() {
        LogEntry garbage = new LogEntry(2, 1, EntryKind.COMMAND, new byte[] {1, 1, 0, 0});
        var e = assertThrows(IllegalStateException.class, () -> store.apply(List.of(put(1, "k", "v"), garbage)));
        assertContains(e.getMessage(), "cannot apply entry 2: malformed command");
        assertEquals(0, store.appliedIndex());
        assertNull(store.get(bytes("k")).value());
    }

    @Test
    void anEmptyRunDoesNothing() {
        assertEquals(List.of(), store.apply(List.of()));
        assertEquals(0, store.appliedIndex());
    }

    @Test
    void closingTwiceIsHarmlessAndLaterCallsFailClearly() {
        store.apply(List.of(put(1, "k", "v")));
        store.close();
        assertDoesNotThrow(store::close);
        var e = assertThrows(IllegalStateException.class, () -> store.get(bytes("k")));
        assertContains(e.getMessage(), "closed");
        assertThrows(IllegalStateException.class, () -> store.apply(List.of(put(2, "k", "v"))));
        assertThrows(IllegalStateException.class, () -> store.scan(new byte[0], new byte[0], 0));
        assertFalse(store.toString().isEmpty());
    }

    @Test
    void aDirectoryInUseIsRefusedWithAMessageNamingIt() {
        var e = assertThrows(StorageException.class, () -> RocksStateStore.open(dir));
        assertContains(e.getMessage(), dir.toAbsolutePath().toString());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }
}
