package io.tern.bench.engine;

import io.tern.engine.FsyncPolicy;
import io.tern.engine.StorageEngine;
import io.tern.engine.io.DurableFiles;
import io.tern.engine.snapshot.Snapshot;
import io.tern.raft.types.SnapshotChunk;
import io.tern.engine.snapshot.SnapshotInstaller;
import io.tern.engine.snapshot.SnapshotReader;
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
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Snapshots of a state of 1 M keys x 100-byte values, one operation per iteration; MB/s is the
 * snapshot's size (printed) over the score.
 * <ul>
 *   <li>{@code create}: {@link StorageEngine#createSnapshot()}: a RocksDB checkpoint (flush of the
 *       memtable, hard links), a CRC32C of every file the previous snapshot does not hold (since
 *       {@code cffacb3}; before, of every file), fsyncs, the rename, and the deletion of the snapshots
 *       beyond the number to keep. Before each one, 4096 more
 *       puts are applied (overwriting keys), so that there is a new applied index to snapshot and a
 *       memtable to flush, as for a periodic snapshot of a live member.</li>
 *   <li>{@code streamAndInstall}: what a lagging follower costs: a {@link SnapshotReader} over the
 *       leader's snapshot, each 1 MiB chunk encoded and decoded as on the wire, a
 *       {@link SnapshotInstaller} on a fresh, empty member, {@code finish()} and
 *       {@link StorageEngine#installSnapshot}. The leader's files are in the page cache; the follower's
 *       are written and forced to disk.</li>
 * </ul>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 5)
@Fork(1)
public class SnapshotBenchmark {

    static final int KEYS = 1_000_000;
    static final int CHUNK_BYTES = 1 << 20;

    /** A member holding 1 M keys whose state is snapshotted once per iteration. */
    @State(Scope.Benchmark)
    public static class CreateState {
        Path directory;
        StorageEngine engine;
        final SplittableRandom random = new SplittableRandom(7);
        Snapshot created;

        @Setup(Level.Trial)
        public void prepare() throws IOException {
            directory = Files.createTempDirectory(BenchDirectories.root(), "snapshot-create-");
            engine = StorageEngine.open(EngineFixtures.options(directory, FsyncPolicy.NEVER));
            EngineFixtures.fill(engine, KEYS, KEYS, random);
        }

        @Setup(Level.Iteration)
        public void applyMore() {
            EngineFixtures.fill(engine, EngineFixtures.FILL_BATCH, KEYS, random);
        }

        @TearDown(Level.Iteration)
        public void report() {
            if (created == null || created.lastIncludedIndex() != engine.appliedIndex()) {
                throw new IllegalStateException("the snapshot " + created + " is not at the applied index " + engine.appliedIndex());
            }
            System.out.printf("%n[snapshot-create] %s: %,d bytes (%.1f MB) in %d files%n", created.id(),
                    created.sizeBytes(), created.sizeBytes() / 1e6, created.files().size());
        }

        @TearDown(Level.Trial)
        public void delete() throws IOException {
            engine.close();
            DurableFiles.deleteTree(directory);
        }
    }

    /** A leader with a snapshot of 1 M keys, and a fresh, empty follower per iteration. */
    @State(Scope.Benchmark)
    public static class InstallState {
        Path directory;
        StorageEngine leader;
        Snapshot snapshot;
        Path followerDirectory;
        StorageEngine follower;
        long chunks;
        long wireBytes;

        @Setup(Level.Trial)
        public void prepare() throws IOException {
            directory = Files.createTempDirectory(BenchDirectories.root(), "snapshot-install-");
            leader = StorageEngine.open(EngineFixtures.options(directory.resolve("leader"), FsyncPolicy.NEVER));
            EngineFixtures.fill(leader, KEYS, KEYS, new SplittableRandom(1));
            snapshot = leader.createSnapshot();
            System.out.printf("%n[snapshot-install] leader's snapshot %s: %,d bytes (%.1f MB) in %d files%n",
                    snapshot.id(), snapshot.sizeBytes(), snapshot.sizeBytes() / 1e6, snapshot.files().size());
        }

        @Setup(Level.Iteration)
        public void freshFollower() throws IOException {
            followerDirectory = Files.createTempDirectory(directory, "follower-");
            follower = StorageEngine.open(EngineFixtures.options(followerDirectory, FsyncPolicy.ALWAYS));
            chunks = 0;
            wireBytes = 0;
        }

        @TearDown(Level.Iteration)
        public void check() throws IOException {
            long applied = follower.appliedIndex();
            follower.close();
            DurableFiles.deleteTree(followerDirectory);
            if (applied != snapshot.lastIncludedIndex()) {
                throw new IllegalStateException("the follower is at " + applied + " after installing " + snapshot.id());
            }
            System.out.printf("%n[snapshot-install] %,d chunks, %,d bytes on the wire%n", chunks, wireBytes);
        }

        @TearDown(Level.Trial)
        public void delete() throws IOException {
            leader.close();
            DurableFiles.deleteTree(directory);
        }
    }

    @Benchmark
    public Snapshot create(CreateState state) {
        state.created = state.engine.createSnapshot();
        return state.created;
    }

    @Benchmark
    public boolean streamAndInstall(InstallState state) {
        try (SnapshotReader reader = state.leader.openSnapshotReader(state.snapshot, CHUNK_BYTES);
             SnapshotInstaller installer = state.follower.beginSnapshotInstall()) {
            while (reader.hasNext()) {
                byte[] wire = reader.next().encode();
                state.chunks++;
                state.wireBytes += wire.length;
                installer.accept(SnapshotChunk.decode(wire));
            }
            Snapshot received = installer.finish();
            if (!state.follower.installSnapshot(received)) {
                throw new IllegalStateException("the follower refused " + received.id());
            }
            return true;
        }
    }
}
