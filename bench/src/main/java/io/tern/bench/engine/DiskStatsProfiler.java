package io.tern.bench.engine;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the disk did per benchmark invocation (for the fsync benchmarks: per sync), read from Linux's
 * {@code /proc/diskstats} for the device holding the benchmark files and from {@code /proc/self/io}:
 * <ul>
 *   <li>{@code disk.writes}: write requests the device completed;</li>
 *   <li>{@code disk.kB}: kilobytes written to the device (data, journal and metadata);</li>
 *   <li>{@code disk.flushes}: cache-flush requests (one per {@code fdatasync} that had something to
 *       make durable, plus the journal's own);</li>
 *   <li>{@code proc.dirtiedKB}: page-cache kilobytes this JVM dirtied, through {@code write} or a
 *       memory map.</li>
 * </ul>
 * The device counters are machine-wide: meaningful only when nothing else writes. Use it with
 * {@code bench/jmh REGEX -prof io.tern.bench.engine.DiskStatsProfiler}.
 */
public final class DiskStatsProfiler implements InternalProfiler {

    private final String device;
    private long[] before;

    public DiskStatsProfiler() throws IOException {
        String store = Files.getFileStore(BenchDirectories.root()).name();
        device = store.startsWith("/dev/") ? store.substring("/dev/".length()) : store;
    }

    @Override
    public String getDescription() {
        return "device writes, kB written, cache flushes and dirtied page-cache kB per invocation";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        before = sample();
    }

    @Override
    public List<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                 IterationResult result) {
        long[] after = sample();
        double invocations = Math.max(1.0,
                (double) result.getMetadata().getMeasuredOps() / benchmarkParams.getOpsPerInvocation());
        return List.of(
                perInvocation("disk.writes", after[0] - before[0], invocations, "writes/inv"),
                perInvocation("disk.kB", (after[1] - before[1]) * 512 / 1024.0, invocations, "kB/inv"),
                perInvocation("disk.flushes", after[2] - before[2], invocations, "flushes/inv"),
                perInvocation("proc.dirtiedKB", (after[3] - before[3]) / 1024.0, invocations, "kB/inv"));
    }

    private static ScalarResult perInvocation(String label, double total, double invocations, String unit) {
        return new ScalarResult(label, total / invocations, unit, AggregationPolicy.AVG);
    }

    /** Writes completed, sectors written, flushes completed (device), bytes dirtied (this process). */
    private long[] sample() {
        long[] values = new long[4];
        try {
            for (String line : Files.readAllLines(Path.of("/proc/diskstats"))) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length > 2 && fields[2].equals(device)) {
                    values[0] = Long.parseLong(fields[7]);
                    values[1] = Long.parseLong(fields[9]);
                    values[2] = fields.length > 18 ? Long.parseLong(fields[18]) : 0;
                }
            }
            for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
                if (line.startsWith("write_bytes:")) {
                    values[3] = Long.parseLong(line.substring("write_bytes:".length()).trim());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc: " + e.getMessage(), e);
        }
        return values;
    }
}
