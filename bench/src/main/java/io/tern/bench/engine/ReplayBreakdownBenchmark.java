package io.tern.bench.engine;

import io.tern.engine.FsyncPolicy;
import io.tern.engine.io.DurableFiles;
import io.tern.engine.log.ChronicleRaftLog;
import io.tern.raft.types.EntryKind;
import io.tern.raft.types.LogEntry;
import io.tern.engine.log.LogConfig;
import io.tern.engine.state.Command;
import io.tern.engine.state.RocksStateStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBatchWithIndex;
import org.rocksdb.WriteOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Where the time of {@code RecoveryBenchmark.replayLogOf1M} goes: its parts measured apart on the
 * same 1 M entries (100-byte puts, in runs of 4096 as recovery reads them), one pass per iteration.
 * <ul>
 *   <li>{@code readLog}: open the log (which rebuilds its index from every record) and read all
 *       entries with {@code entries(from, to, max)};</li>
 *   <li>{@code applyToStateStore}: {@link RocksStateStore#apply} of the entries, already in memory, to
 *       an empty store (decode, write batch with index, one write per run);</li>
 *   <li>{@code rocksWriteBatchWithIndex} / {@code rocksWriteBatch}: the same keys and values put
 *       straight into RocksDB (WAL unsynced as in the store, one write per run of 4096) through the indexed
 *       batch the store uses, and through a plain {@code WriteBatch}: the floor for this machine.</li>
 * </ul>
 * As in recovery, a pass ends with the last write (what is still in the memtable is flushed after the
 * measurement); the flushes that RocksDB starts on its own while the memtable fills are included.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 4)
@Fork(1)
@State(Scope.Benchmark)
public class ReplayBreakdownBenchmark {

    static final int ENTRIES = 1_000_000;
    static final int RUN = 4096;

    private Path directory;
    private final List<List<LogEntry>> runs = new ArrayList<>();
    private final List<byte[][]> keys = new ArrayList<>();
    private final List<byte[][]> values = new ArrayList<>();
    private Path stateDirectory;
    private RocksStateStore store;
    private RocksDB db;
    private Options options;
    private WriteOptions writeOptions;

    @Setup(Level.Trial)
    public void prepare() throws IOException {
        directory = Files.createTempDirectory(BenchDirectories.root(), "replay-breakdown-");
        SplittableRandom random = new SplittableRandom(1);
        try (ChronicleRaftLog log = ChronicleRaftLog.open(directory.resolve("log"), LogConfig.defaults(FsyncPolicy.NEVER))) {
            long index = 1;
            for (int first = 0; first < ENTRIES; first += RUN) {
                int size = Math.min(RUN, ENTRIES - first);
                List<LogEntry> run = new ArrayList<>(size);
                byte[][] runKeys = new byte[size][];
                byte[][] runValues = new byte[size][];
                for (int i = 0; i < size; i++) {
                    long keyNumber = Math.floorMod((first + i) * 982_451_653L, ENTRIES);
                    LogEntry entry = new LogEntry(index++, 1, EntryKind.COMMAND,
                            EngineFixtures.putPayload(keyNumber, random));
                    run.add(entry);
                    Command.Put put = (Command.Put) Command.decode(entry.payload());
                    runKeys[i] = userKey(put.key());
                    runValues[i] = put.value();
                }
                log.append(run);
                runs.add(run);
                keys.add(runKeys);
                values.add(runValues);
            }
            log.markCommitted(index - 1);
            log.sync();
        }
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        DurableFiles.deleteTree(directory);
    }

    @Setup(Level.Iteration)
    public void freshState() throws IOException {
        stateDirectory = directory.resolve("state");
        DurableFiles.deleteTree(stateDirectory);
        options = new Options().setCreateIfMissing(true);
        writeOptions = new WriteOptions();
    }

    @TearDown(Level.Iteration)
    public void closeState() throws IOException {
        if (store != null) {
            store.close();
            store = null;
        }
        if (db != null) {
            db.close();
            db = null;
        }
        writeOptions.close();
        options.close();
        DurableFiles.deleteTree(stateDirectory);
    }

    @Benchmark
    public long readLog() {
        long payloadBytes = 0;
        try (ChronicleRaftLog log = ChronicleRaftLog.open(directory.resolve("log"), LogConfig.defaults(FsyncPolicy.NEVER))) {
            long next = 1;
            long end = log.committedIndex() + 1;
            while (next < end) {
                List<LogEntry> run = log.entries(next, Math.min(end, next + RUN), 16L << 20);
                for (LogEntry entry : run) {
                    payloadBytes += entry.payload().length;
                }
                next += run.size();
            }
            if (next != ENTRIES + 1) {
                throw new IllegalStateException("read up to " + (next - 1));
            }
        }
        return payloadBytes;
    }

    @Benchmark
    public long applyToStateStore() {
        store = RocksStateStore.open(stateDirectory);
        for (List<LogEntry> run : runs) {
            store.apply(run);
        }
        return store.appliedIndex();
    }

    @Benchmark
    public RocksDB rocksWriteBatchWithIndex() throws RocksDBException {
        db = RocksDB.open(options, stateDirectory.toString());
        for (int r = 0; r < keys.size(); r++) {
            try (WriteBatchWithIndex batch = new WriteBatchWithIndex(true)) {
                byte[][] runKeys = keys.get(r);
                byte[][] runValues = values.get(r);
                for (int i = 0; i < runKeys.length; i++) {
                    batch.put(runKeys[i], runValues[i]);
                }
                db.write(writeOptions, batch);
            }
        }
        return db;
    }

    @Benchmark
    public RocksDB rocksWriteBatch() throws RocksDBException {
        db = RocksDB.open(options, stateDirectory.toString());
        for (int r = 0; r < keys.size(); r++) {
            try (WriteBatch batch = new WriteBatch()) {
                byte[][] runKeys = keys.get(r);
                byte[][] runValues = values.get(r);
                for (int i = 0; i < runKeys.length; i++) {
                    batch.put(runKeys[i], runValues[i]);
                }
                db.write(writeOptions, batch);
            }
        }
        return db;
    }

    private static byte[] userKey(byte[] key) {
        byte[] stored = new byte[key.length + 1];
        stored[0] = 0x01;
        System.arraycopy(key, 0, stored, 1, key.length);
        return stored;
    }
}
