package io.tern.bench.engine;

import io.tern.engine.io.DurableFiles;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Why group commit costs what it costs: one write of {@code bytes} followed by {@code fdatasync}
 * ({@code FileChannel.force(false)}), by how the file's blocks come to exist. 100 bytes is one
 * entry; 33,280 bytes is what a batch of 256 entries of 100 bytes occupies in the log (256 x 130).
 * <ul>
 *   <li>{@code append}: {@code write} at the end of a growing file (every sync also commits the
 *       new size and newly allocated blocks to the journal);</li>
 *   <li>{@code preallocated}: {@code pwrite} over blocks written (zeros) and forced beforehand, in a
 *       512 MiB region that wraps around: only data goes to disk;</li>
 *   <li>{@code fallocated}: {@code pwrite} into an 8 GiB file reserved with {@code fallocate(1)}:
 *       the blocks exist but are marked unwritten, so each sync also converts extents in the journal;</li>
 *   <li>{@code sparse}: {@code pwrite} into an 8 GiB file of holes (extended with {@code setLength}),
 *       so each sync allocates blocks but the size never changes;</li>
 *   <li>{@code mmap-sparse}: as the log writes: Chronicle maps a sparse file and the log forces it
 *       with {@code FileChannel.force(false)}; here 1 GiB mappings of an 8 GiB sparse file;</li>
 *   <li>{@code mmap-preallocated}: the same into the preallocated 512 MiB region.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@State(Scope.Benchmark)
public class SyncCostBenchmark {

    private static final long PREALLOCATED = 512L << 20;
    private static final long SPARSE = 8L << 30;
    private static final long WINDOW = 1L << 30;

    @Param({"100", "33280"})
    public int bytes;

    @Param({"append", "preallocated", "fallocated", "sparse", "mmap-sparse", "mmap-preallocated"})
    public String layout;

    private Path directory;
    private FileChannel channel;
    private ByteBuffer record;
    private byte[] recordBytes;
    private long region;
    private long position;
    private long written;
    private MappedByteBuffer mapped;
    private long mappedFrom = -1;

    @Setup(Level.Trial)
    public void open() throws IOException {
        directory = Files.createTempDirectory(BenchDirectories.root(), "sync-cost-");
        Path file = directory.resolve("file");
        recordBytes = new byte[bytes];
        Arrays.fill(recordBytes, (byte) 0x5a);
        record = ByteBuffer.allocateDirect(bytes);
        record.put(recordBytes).flip();
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        switch (layout) {
            case "append" -> region = Long.MAX_VALUE;
            case "preallocated", "mmap-preallocated" -> {
                region = PREALLOCATED;
                ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
                for (long at = 0; at < region; at += zeros.capacity()) {
                    zeros.clear();
                    while (zeros.hasRemaining()) {
                        channel.write(zeros, at + zeros.position());
                    }
                }
                channel.force(true);
            }
            case "fallocated" -> {
                region = SPARSE;
                try {
                    Process fallocate = new ProcessBuilder("fallocate", "-l", Long.toString(region), file.toString())
                            .inheritIO().start();
                    if (fallocate.waitFor() != 0) {
                        throw new IOException("fallocate failed with status " + fallocate.exitValue());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while running fallocate", e);
                }
                channel.force(true);
            }
            case "sparse", "mmap-sparse" -> {
                region = SPARSE;
                try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                    raf.setLength(region);
                }
                channel.force(true);
            }
            default -> throw new IllegalArgumentException("unknown layout " + layout);
        }
        DurableFiles.fsyncDirectory(directory);
        position = 0;
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        System.out.printf("%n[sync-cost] %s/%d: %,d bytes written%n", layout, bytes, written);
        mapped = null;
        channel.close();
        DurableFiles.deleteTree(directory);
    }

    @Benchmark
    public void writeAndFdatasync() throws IOException {
        switch (layout) {
            case "append" -> {
                record.clear();
                channel.write(record);
                written += bytes;
            }
            case "preallocated", "fallocated", "sparse" -> {
                long at = next();
                record.clear();
                while (record.hasRemaining()) {
                    channel.write(record, at + record.position());
                }
            }
            default -> {
                long at = next();
                long window = at / WINDOW * WINDOW;
                if (window != mappedFrom) {
                    mapped = channel.map(FileChannel.MapMode.READ_WRITE, window, Math.min(WINDOW, region - window));
                    mappedFrom = window;
                }
                mapped.put((int) (at - window), recordBytes);
            }
        }
        channel.force(false);
    }

    /** The next write position in the region, never straddling a mapping window; wraps at the region's end. */
    private long next() {
        long at = position;
        if (at + bytes > region) {
            at = 0;
        } else if (at / WINDOW != (at + bytes - 1) / WINDOW) {
            at = (at + bytes - 1) / WINDOW * WINDOW;
        }
        position = at + bytes;
        written += bytes;
        return at;
    }
}
