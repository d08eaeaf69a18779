package io.tern.bench.engine;

import io.tern.engine.io.DurableFiles;
import io.tern.raft.types.EntryKind;
import io.tern.raft.types.LogEntry;
import io.tern.engine.state.CommandResult;
import io.tern.engine.state.ReadResult;
import io.tern.engine.state.RocksStateStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The applied state on RocksDB (its WAL unsynced, as a member runs it), without the log: applying
 * runs of 100 committed puts of {@code valueBytes}-byte values (100 by default; 256 is what
 * {@code bin/tern bench} writes), one {@code apply} call and one RocksDB write batch each, the score
 * being entries per second; and consistent point reads of random existing keys among a million.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class StateStoreBenchmark {

    static final int KEYS = 1_000_000;
    static final int APPLY_BATCH = 100;

    /** An empty store that the apply benchmark fills: random keys among a million, so later runs overwrite. */
    @State(Scope.Benchmark)
    public static class ApplyState {
        private static final int PAYLOADS = 1 << 16;

        @Param({"100"})
        int valueBytes;

        Path directory;
        RocksStateStore store;
        final byte[][] payloads = new byte[PAYLOADS][];
        int cursor;
        long nextIndex;

        @Setup(Level.Trial)
        public void open() throws IOException {
            directory = Files.createTempDirectory(BenchDirectories.root(), "state-apply-");
            store = RocksStateStore.open(directory.resolve("state"));
            SplittableRandom random = new SplittableRandom(1);
            for (int i = 0; i < PAYLOADS; i++) {
                payloads[i] = EngineFixtures.putPayload(random.nextInt(KEYS), valueBytes, random);
            }
            nextIndex = store.appliedIndex() + 1;
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            System.out.printf("%n[state-apply] applied %,d entries in this trial%n", nextIndex - 1);
            store.close();
            DurableFiles.deleteTree(directory);
        }
    }

    /** A million keys, written, flushed and reopened (as after a restart), so reads come from table files. */
    @State(Scope.Benchmark)
    public static class GetState {
        Path directory;
        RocksStateStore store;
        final byte[][] keys = new byte[KEYS][];
        final SplittableRandom random = new SplittableRandom(2);

        @Setup(Level.Trial)
        public void open() throws IOException {
            directory = Files.createTempDirectory(BenchDirectories.root(), "state-get-");
            Path stateDirectory = directory.resolve("state");
            long started = System.nanoTime();
            SplittableRandom values = new SplittableRandom(3);
            try (RocksStateStore loading = RocksStateStore.open(stateDirectory)) {
                long index = 1;
                for (int first = 0; first < KEYS; first += EngineFixtures.FILL_BATCH) {
                    int size = Math.min(EngineFixtures.FILL_BATCH, KEYS - first);
                    List<LogEntry> batch = new ArrayList<>(size);
                    for (int i = 0; i < size; i++) {
                        batch.add(new LogEntry(index++, 1, EntryKind.COMMAND, EngineFixtures.putPayload(first + i, values)));
                    }
                    loading.apply(batch);
                }
            }
            store = RocksStateStore.open(stateDirectory);
            for (int i = 0; i < KEYS; i++) {
                keys[i] = EngineFixtures.key(i);
            }
            if (!store.get(keys[KEYS - 1]).found() || store.get(EngineFixtures.key(KEYS)).found()) {
                throw new IllegalStateException("the preloaded state does not hold exactly keys 0.." + (KEYS - 1));
            }
            System.out.printf("%n[state-get] preloaded %,d keys in %.1f s%n", KEYS, (System.nanoTime() - started) / 1e9);
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            store.close();
            DurableFiles.deleteTree(directory);
        }
    }

    @Benchmark
    @OperationsPerInvocation(APPLY_BATCH)
    public List<CommandResult> applyBatchOf100(ApplyState state) {
        List<LogEntry> batch = new ArrayList<>(APPLY_BATCH);
        for (int i = 0; i < APPLY_BATCH; i++) {
            byte[] payload = state.payloads[state.cursor++ & (ApplyState.PAYLOADS - 1)];
            batch.add(new LogEntry(state.nextIndex++, 1, EntryKind.COMMAND, payload));
        }
        return state.store.apply(batch);
    }

    @Benchmark
    public ReadResult getRandomExistingKey(GetState state) {
        return state.store.get(state.keys[state.random.nextInt(KEYS)]);
    }
}
