package io.tern.bench.engine;

import io.tern.engine.FsyncPolicy;
import io.tern.engine.io.DurableFiles;
import io.tern.engine.log.ChronicleRaftLog;
import io.tern.raft.types.EntryKind;
import io.tern.raft.types.LogEntry;
import io.tern.engine.log.LogConfig;
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
import java.util.concurrent.TimeUnit;

/**
 * Raft log appends of 100-byte entries in batches of 1, 16 and 256, one {@code sync()} per batch
 * (group commit). The score is entries per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@State(Scope.Benchmark)
public class LogAppendBenchmark {

    @Param({"always", "never"})
    public String fsync;

    private Path directory;
    private ChronicleRaftLog log;
    private final byte[] payload = new byte[100];
    private long nextIndex;

    @Setup(Level.Trial)
    public void open() throws IOException {
        directory = Files.createTempDirectory(BenchDirectories.root(), "log-append-");
        log = ChronicleRaftLog.open(directory.resolve("log"), LogConfig.defaults(FsyncPolicy.parse(fsync)));
        nextIndex = 1;
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        log.close();
        DurableFiles.deleteTree(directory);
    }

    @Benchmark
    @OperationsPerInvocation(1)
    public void batchOf1() {
        appendAndSync(1);
    }

    @Benchmark
    @OperationsPerInvocation(16)
    public void batchOf16() {
        appendAndSync(16);
    }

    @Benchmark
    @OperationsPerInvocation(256)
    public void batchOf256() {
        appendAndSync(256);
    }

    private void appendAndSync(int batchSize) {
        List<LogEntry> batch = new ArrayList<>(batchSize);
        for (int i = 0; i < batchSize; i++) {
            batch.add(new LogEntry(nextIndex++, 1, EntryKind.COMMAND, payload));
        }
        log.append(batch);
        log.sync();
    }
}
