package io.tern.engine.state;

import io.tern.kv.KeyValue;
import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;
import io.tern.raft.types.LogEntry;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.tern.engine.state.TestEntries.bytes;
import static io.tern.engine.state.TestEntries.command;
import static io.tern.engine.state.TestEntries.config;
import static io.tern.engine.state.TestEntries.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RocksStateStoreScanTest {

    private static final byte[] NONE = new byte[0];

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
    void keysComeBackInUnsignedByteOrder() {
        byte[][] inOrder = {{}, {0x00}, {0x00, 0x00}, {0x01}, {0x7f}, {(byte) 0x80}, {(byte) 0xff}, {(byte) 0xff, 0x00}};
        List<Command.BatchOp> ops = new ArrayList<>();
        for (int i = inOrder.length - 1; i >= 0; i--) {
            ops.add(new Command.Put(inOrder[i], new byte[] {(byte) i}));
        }
        store.apply(List.of(command(1, new Command.Batch(ops))));
        List<KeyValue> entries = store.scan(NONE, NONE, 0).entries();
        assertEquals(inOrder.length, entries.size());
        for (int i = 0; i < inOrder.length; i++) {
            assertEquals(new KeyValue(inOrder[i], new byte[] {(byte) i}), entries.get(i));
        }
    }

    @Test
    void startIsInclusiveEndIsExclusiveAndAnEmptyEndIsUnbounded() {
        putAll("a", "b", "c", "d");
        assertEquals(List.of("b", "c"), keys(store.scan(bytes("b"), bytes("d"), 0)));
        assertEquals(List.of("b", "c", "d"), keys(store.scan(bytes("b"), NONE, 0)));
        assertEquals(List.of("a", "b"), keys(store.scan(NONE, bytes("c"), 0)));
        assertEquals(List.of("c", "d"), keys(store.scan(bytes("bz"), bytes("zz"), 0)));
        assertEquals(List.of(), keys(store.scan(bytes("c"), bytes("c"), 0)));
        assertEquals(List.of(), keys(store.scan(bytes("d"), bytes("a"), 0)));
    }

    @Test
    void aByteBudgetCutsTheResultButAlwaysTakesOneEntry() {
        List<Command.BatchOp> ops = new ArrayList<>();
        for (String key : List.of("a", "b", "c")) {
            ops.add(new Command.Put(bytes(key), new byte[100]));
        }
        store.apply(List.of(command(1, new Command.Batch(ops))));
        ScanResult two = store.scan(NONE, NONE, 0, 202);
        assertEquals(List.of("a", "b"), keys(two));
        assertTrue(two.more(), "the budget cut the result");
        ScanResult one = store.scan(NONE, NONE, 0, 10);
        assertEquals(List.of("a"), keys(one), "a first entry over the budget is still taken");
        assertTrue(one.more());
        assertFalse(store.scan(NONE, NONE, 0, 303).more(), "everything fits");
    }

    @Test
    void theLimitCutsTheResultAndSaysSo() {
        putAll("a", "b", "c", "d", "e");
        ScanResult cut = store.scan(NONE, NONE, 2);
        assertEquals(List.of("a", "b"), keys(cut));
        assertTrue(cut.more());
        ScanResult exact = store.scan(NONE, NONE, 5);
        assertEquals(5, exact.entries().size());
        assertFalse(exact.more(), "nothing was left out");
        ScanResult boundedExact = store.scan(bytes("b"), bytes("d"), 2);
        assertFalse(boundedExact.more(), "keys past the end do not count as more");
        assertTrue(store.scan(bytes("b"), bytes("e"), 2).more());
        assertThrows(IllegalArgumentException.class, () -> store.scan(NONE, NONE, -1));
    }

    @Test
    void aLimitOfZeroOrAboveTheMaximumMeansTheMaximum() {
        int count = RocksStateStore.MAX_SCAN_LIMIT + 1;
        List<Command.BatchOp> ops = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ops.add(new Command.Put(bytes("k%05d".formatted(i)), bytes("v")));
        }
        store.apply(List.of(command(1, new Command.Batch(ops))));
        for (int limit : new int[] {0, RocksStateStore.MAX_SCAN_LIMIT + 500}) {
            ScanResult result = store.scan(NONE, NONE, limit);
            assertEquals(RocksStateStore.MAX_SCAN_LIMIT, result.entries().size());
            assertTrue(result.more());
        }
    }

    @Test
    void aScanReportsTheRevisionItRead() {
        putAll("a");
        store.apply(List.of(LogEntry.noop(2, 1)));
        assertEquals(2, store.scan(NONE, NONE, 0).revision());
    }

    @Test
    void userKeysThatLookLikeMetadataNeverTouchIt() {
        Membership one = new Membership(List.of(new Member(1, "127.0.0.1:7379", true)));
        store.apply(List.of(config(1, 1, one)));
        // The same bytes as the metadata keys, and bytes that sort before any user key prefix.
        List<Command.BatchOp> ops = List.of(
                new Command.Put(StateLayout.APPLIED_KEY, bytes("fake applied")),
                new Command.Put(StateLayout.MEMBERSHIP_KEY, bytes("fake membership")),
                new Command.Put(StateLayout.FORMAT_KEY, bytes("fake format")),
                new Command.Put(new byte[] {0x00}, bytes("zero")),
                new Command.Put(new byte[] {(byte) 0xff, (byte) 0xff}, bytes("high")));
        store.apply(List.of(command(2, new Command.Batch(ops))));

        assertEquals(new StatePoint(2, 1, one), store.appliedPoint());
        assertEquals("fake applied", text(store.get(StateLayout.APPLIED_KEY).value()));
        assertEquals(2, store.get(StateLayout.APPLIED_KEY).revision());
        assertEquals(5, store.scan(NONE, NONE, 0).entries().size(), "only user keys are scanned");

        store.close();
        store = RocksStateStore.open(dir);
        assertEquals(new StatePoint(2, 1, one), store.appliedPoint());
        assertEquals(5, store.scan(NONE, NONE, 0).entries().size());
    }

    private void putAll(String... keys) {
        List<Command.BatchOp> ops = new ArrayList<>();
        for (String key : keys) {
            ops.add(new Command.Put(bytes(key), bytes("value of " + key)));
        }
        store.apply(List.of(command(store.appliedIndex() + 1, new Command.Batch(ops))));
    }

    private static List<String> keys(ScanResult result) {
        return result.entries().stream().map(kv -> text(kv.key())).toList();
    }
}
