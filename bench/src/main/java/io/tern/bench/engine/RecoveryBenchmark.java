package io.tern.bench.engine;

import io.tern.engine.FsyncPolicy;
import io.tern.engine.RecoveryReport;
import io.tern.engine.StorageEngine;
import io.tern.engine.io.DurableFiles;
import io.tern.engine.log.ChronicleRaftLog;
import io.tern.engine.snapshot.Snapshot;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Recovery on open, one {@link StorageEngine#open} per iteration:
 * <ul>
 *   <li>{@code replayLogOf1M}: the state is gone (its directory deleted) and a log of 1 M committed
 *       puts of 100 bytes is replayed into an empty state; entries/s = 1 M / the score.</li>
 *   <li>{@code restoreSnapshotOf1M}: the state is empty and the log too, but {@code snapshots/} holds a
 *       snapshot of 1 M keys, as after a crash in the middle of an install: the snapshot is verified
 *       (every file's CRC32C) and swapped in.</li>
 * </ul>
 * The files were just written, so they are read from the page cache (a restart, not a cold boot).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 4)
@Fork(1)
public class RecoveryBenchmark {

    static final int ENTRIES = 1_000_000;

    /** A data directory whose log holds 1 M committed entries; the state is deleted before each open. */
    @State(Scope.Benchmark)
    public static class ReplayState {
        Path directory;
        StorageEngine engine;

        @Setup(Level.Trial)
        public void prepare() throws IOException {
            directory = Files.createTempDirectory(BenchDirectories.root(), "recovery-replay-");
            long started = System.nanoTime();
            try (StorageEngine writer = StorageEngine.open(EngineFixtures.options(directory, FsyncPolicy.NEVER))) {
                EngineFixtures.fill(writer, ENTRIES, ENTRIES, new SplittableRandom(1));
            }
            System.out.printf("%n[recovery-replay] wrote and applied %,d entries in %.1f s; log %s%n", ENTRIES,
                    (System.nanoTime() - started) / 1e9, describeSize(directory.resolve("log")));
        }

        @Setup(Level.Iteration)
        public void dropState() throws IOException {
            DurableFiles.deleteTree(directory.resolve("state"));
        }

        @TearDown(Level.Iteration)
        public void check() {
            RecoveryReport report = engine.recoveryReport();
            ChronicleRaftLog.OpenReport logReport = ((ChronicleRaftLog) engine.log()).openReport();
            engine.close();
            engine = null;
            if (report.entriesReplayed() != ENTRIES || report.appliedIndex() != ENTRIES) {
                throw new IllegalStateException("expected a replay of " + ENTRIES + " entries, got: " + report);
            }
            System.out.printf("%n[recovery-replay] %s; of which opening the log (%,d records) took %d ms; %,.0f entries/s overall%n",
                    report, logReport.recordsRead(), logReport.took().toMillis(),
                    ENTRIES / (report.took().toNanos() / 1e9));
        }

        @TearDown(Level.Trial)
        public void delete() throws IOException {
            DurableFiles.deleteTree(directory);
        }
    }

    /**
     * A data directory with an empty state and no log whose {@code snapshots/} holds a snapshot of
     * 1 M keys taken on another directory; the state and the log are deleted before each open.
     */
    @State(Scope.Benchmark)
    public static class RestoreState {
        Path directory;
        Path target;
        long snapshotIndex;
        long snapshotBytes;
        StorageEngine engine;

        @Setup(Level.Trial)
        public void prepare() throws IOException {
            directory = Files.createTempDirectory(BenchDirectories.root(), "recovery-restore-");
            Path donor = directory.resolve("donor");
            target = directory.resolve("target");
            long started = System.nanoTime();
            Snapshot snapshot;
            try (StorageEngine writer = StorageEngine.open(EngineFixtures.options(donor, FsyncPolicy.NEVER))) {
                EngineFixtures.fill(writer, ENTRIES, ENTRIES, new SplittableRandom(1));
                snapshot = writer.createSnapshot();
            }
            snapshotIndex = snapshot.lastIncludedIndex();
            snapshotBytes = snapshot.sizeBytes();
            // Claim the target directory (identity, empty state), then plant the snapshot in it.
            StorageEngine.open(EngineFixtures.options(target, FsyncPolicy.NEVER)).close();
            copyTree(snapshot.directory(), target.resolve("snapshots").resolve(snapshot.directory().getFileName()));
            DurableFiles.deleteTree(donor);
            System.out.printf("%n[recovery-restore] snapshot at index %,d: %,d bytes (%.1f MB) in %d files, prepared in %.1f s%n",
                    snapshotIndex, snapshotBytes, snapshotBytes / 1e6, snapshot.files().size(),
                    (System.nanoTime() - started) / 1e9);
        }

        @Setup(Level.Iteration)
        public void dropStateAndLog() throws IOException {
            DurableFiles.deleteTree(target.resolve("state"));
            DurableFiles.deleteTree(target.resolve("log"));
        }

        @TearDown(Level.Iteration)
        public void check() {
            RecoveryReport report = engine.recoveryReport();
            engine.close();
            engine = null;
            if (report.snapshotRestored() != snapshotIndex || report.appliedIndex() != snapshotIndex) {
                throw new IllegalStateException("expected a restore from the snapshot at " + snapshotIndex + ", got: " + report);
            }
            System.out.printf("%n[recovery-restore] %s; %.0f MB/s of snapshot%n", report,
                    snapshotBytes / 1e6 / (report.took().toNanos() / 1e9));
        }

        @TearDown(Level.Trial)
        public void delete() throws IOException {
            DurableFiles.deleteTree(directory);
        }
    }

    @Benchmark
    public StorageEngine replayLogOf1M(ReplayState state) {
        state.engine = StorageEngine.open(EngineFixtures.options(state.directory, FsyncPolicy.ALWAYS));
        return state.engine;
    }

    @Benchmark
    public StorageEngine restoreSnapshotOf1M(RestoreState state) {
        state.engine = StorageEngine.open(EngineFixtures.options(state.target, FsyncPolicy.ALWAYS));
        return state.engine;
    }

    static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path path : paths.toList()) {
                Path copy = target.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(path, copy, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        DurableFiles.fsyncTree(target);
    }

    static String describeSize(Path directory) throws IOException {
        long bytes = 0;
        long files = 0;
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.filter(Files::isRegularFile).toList()) {
                bytes += Files.size(path);
                files++;
            }
        }
        return String.format("%,d bytes (%.1f MB) in %d files", bytes, bytes / 1e6, files);
    }
}
