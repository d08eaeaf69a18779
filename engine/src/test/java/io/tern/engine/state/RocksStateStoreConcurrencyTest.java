package io.tern.engine.state;

import io.tern.kv.KeyValue;
import io.tern.raft.types.LogEntry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import static io.tern.engine.state.TestEntries.bytes;
import static io.tern.engine.state.TestEntries.command;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads and checkpoints racing a busy applier. Every entry writes its own index into every key, so
 * any view that mixes two applies, or pairs data with the wrong revision, shows up as a mismatch.
 */
class RocksStateStoreConcurrencyTest {

    private static final int KEYS = 10;
    private static final int RUNS = 300;
    private static final int ENTRIES_PER_RUN = 3;
    private static final byte[] NONE = new byte[0];

    @TempDir
    Path temp;

    @Test
    void readsAndCheckpointsNeverSeePartOfAnApply() throws Exception {
        ExecutorService applier = Executors.newSingleThreadExecutor();
        try (RocksStateStore store = RocksStateStore.open(temp.resolve("live"))) {
            CompletableFuture<Void> applying = CompletableFuture.runAsync(() -> {
                for (int run = 0; run < RUNS; run++) {
                    List<LogEntry> entries = new ArrayList<>();
                    for (int i = 0; i < ENTRIES_PER_RUN; i++) {
                        entries.add(everyKeyHoldsItsIndex(store.appliedIndex() + 1 + i));
                    }
                    store.apply(entries);
                }
            }, applier);

            int reads = 0;
            List<Path> checkpoints = new ArrayList<>();
            List<StatePoint> points = new ArrayList<>();
            while (!applying.isDone() || reads == 0) {
                ScanResult scan = store.scan(NONE, NONE, 0);
                if (scan.revision() > 0) {
                    assertEquals(KEYS, scan.entries().size());
                    for (KeyValue kv : scan.entries()) {
                        assertEquals(scan.revision(), ByteBuffer.wrap(kv.value()).getLong(), "scan at " + scan.revision());
                    }
                    assertEquals(0, scan.revision() % ENTRIES_PER_RUN, "a scan saw the middle of a run");
                }
                ReadResult read = store.get(bytes("key3"));
                if (read.revision() > 0) {
                    assertEquals(read.revision(), ByteBuffer.wrap(read.value()).getLong());
                }
                if (reads % 100 == 50 && checkpoints.size() < 2) {
                    Path target = temp.resolve("checkpoint-" + checkpoints.size());
                    points.add(store.checkpoint(target));
                    checkpoints.add(target);
                }
                reads++;
            }
            applying.get();
            assertEquals((long) RUNS * ENTRIES_PER_RUN, store.appliedIndex());

            for (int i = 0; i < checkpoints.size(); i++) {
                try (RocksStateStore checkpoint = RocksStateStore.open(checkpoints.get(i))) {
                    long index = points.get(i).index();
                    assertEquals(points.get(i), checkpoint.appliedPoint());
                    ReadResult read = checkpoint.get(bytes("key0"));
                    assertEquals(index, read.revision());
                    if (index > 0) {
                        assertEquals(index, ByteBuffer.wrap(read.value()).getLong());
                    }
                }
            }
            assertTrue(reads > 0);
        } finally {
            applier.shutdownNow();
            assertTrue(applier.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    private static LogEntry everyKeyHoldsItsIndex(long index) {
        byte[] value = ByteBuffer.allocate(8).putLong(index).array();
        List<Command.BatchOp> ops = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) {
            ops.add(new Command.Put(bytes("key" + k), value));
        }
        return command(index, new Command.Batch(ops));
    }
}
