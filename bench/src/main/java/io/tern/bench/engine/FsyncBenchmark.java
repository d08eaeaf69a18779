package io.tern.bench.engine;

import io.tern.engine.io.DurableFiles;
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

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * The disk's own limit, for reference: write 100 bytes and {@code fdatasync}, as fast as it goes.
 * Group commit is judged against this: at batch 256 the log should reach about fsyncs/s x 256 / 2.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@State(Scope.Benchmark)
public class FsyncBenchmark {

    private Path directory;
    private FileChannel channel;
    private final ByteBuffer record = ByteBuffer.allocateDirect(100);

    @Setup(Level.Trial)
    public void open() throws IOException {
        directory = Files.createTempDirectory(BenchDirectories.root(), "fsync-");
        channel = FileChannel.open(directory.resolve("file"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        channel.close();
        DurableFiles.deleteTree(directory);
    }

    @Benchmark
    public void writeAndFdatasync() throws IOException {
        record.clear();
        channel.write(record);
        channel.force(false);
    }
}
