package io.tern.engine.crash;

import io.tern.engine.EngineConfig;
import io.tern.engine.FsyncPolicy;
import io.tern.engine.StorageEngine;
import io.tern.engine.cluster.ClusterIdentity;
import io.tern.engine.io.DurableFiles;
import io.tern.raft.types.LogEntry;
import io.tern.engine.log.LogConfig;
import io.tern.engine.log.RaftLog;
import io.tern.engine.snapshot.Snapshot;
import io.tern.engine.snapshot.SnapshotInstaller;
import io.tern.engine.snapshot.SnapshotReader;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The child JVM of {@link EngineCrashTest}: drives a storage engine the way Raft will (append and
 * sync, truncate uncommitted entries under a new term, apply committed entries, snapshot, install a
 * leader's snapshot) until it is killed, and says on stdout what it has made durable, each line
 * only once the claim holds:
 *
 * <pre>
 * OPENED applied first last       after recovery
 * SYNCED from to term             entries from..to of that term are durable
 * APPLIED index                   the state applied up to index (its commit mark is in the log)
 * TRUNCATING from / TRUNCATED from
 * SNAPSHOTTING / SNAPSHOT index
 * INSTALLING index term / INSTALLED index term
 * </pre>
 *
 * Arguments: data directory, scratch directory (for the donor of installed snapshots), seed.
 */
public final class CrashWorker {

    static final ClusterIdentity IDENTITY = new ClusterIdentity("crash-test", 1);
    private static final ClusterIdentity DONOR = new ClusterIdentity("crash-test", 2);

    private final PrintStream out = System.out;
    private final SplittableRandom random;
    private final Path scratch;
    private StorageEngine engine;
    private long term;
    private long commitIndex;

    private CrashWorker(Path data, Path scratch, long seed) {
        this.random = new SplittableRandom(seed);
        this.scratch = scratch;
        this.engine = StorageEngine.open(options(data, IDENTITY, FsyncPolicy.ALWAYS));
        RaftLog log = engine.log();
        long lastTerm = log.lastIndex() >= log.firstIndex() ? log.term(log.lastIndex()) : 0;
        this.term = Math.max(lastTerm, engine.memberRecord().current().term()) + 1;
        engine.memberRecord().save(engine.memberRecord().current().withTermAndVote(term, 1));
        this.commitIndex = engine.appliedIndex();
        say("OPENED " + engine.appliedIndex() + " " + log.firstIndex() + " " + log.lastIndex());
    }

    static EngineConfig options(Path data, ClusterIdentity identity, FsyncPolicy fsync) {
        return new EngineConfig(data, identity, LogConfig.defaults(fsync), 2);
    }

    public static void main(String[] args) throws Exception {
        new CrashWorker(Path.of(args[0]), Path.of(args[1]), Long.parseLong(args[2])).run();
    }

    private void run() throws Exception {
        while (true) {
            int dice = random.nextInt(100);
            if (dice < 70) {
                appendBatch();
            } else if (dice < 80) {
                truncateUncommitted();
            } else if (dice < 90) {
                applySome();
            } else if (dice < 96) {
                snapshot();
            } else {
                installFromDonor();
            }
        }
    }

    private void appendBatch() {
        RaftLog log = engine.log();
        long from = log.lastIndex() + 1;
        int count = 1 + random.nextInt(64);
        List<LogEntry> batch = new ArrayList<>(count);
        for (long index = from; index < from + count; index++) {
            batch.add(CrashWorkload.entry(index, term));
        }
        log.append(batch);
        log.sync();
        say("SYNCED " + from + " " + (from + count - 1) + " " + term);
    }

    private void truncateUncommitted() {
        RaftLog log = engine.log();
        if (log.lastIndex() <= commitIndex) {
            return;
        }
        long from = commitIndex + 1 + random.nextLong(log.lastIndex() - commitIndex);
        // A new leader's term: everything appended from now on supersedes the truncated entries.
        term++;
        engine.memberRecord().save(engine.memberRecord().current().withTermAndVote(term, 1));
        say("TRUNCATING " + from);
        log.truncateFrom(from);
        log.sync();
        say("TRUNCATED " + from);
    }

    private void applySome() {
        RaftLog log = engine.log();
        if (log.lastIndex() <= commitIndex) {
            return;
        }
        commitIndex += 1 + random.nextLong(log.lastIndex() - commitIndex);
        long next = engine.appliedIndex() + 1;
        while (next <= commitIndex) {
            List<LogEntry> entries = log.entries(next, commitIndex + 1, 4 << 20);
            engine.apply(entries);
            next += entries.size();
        }
        say("APPLIED " + commitIndex);
    }

    private void snapshot() {
        if (engine.appliedIndex() == 0) {
            return;
        }
        say("SNAPSHOTTING");
        Snapshot snapshot = engine.createSnapshot();
        engine.compactLog(Long.MAX_VALUE);
        say("SNAPSHOT " + snapshot.lastIncludedIndex());
    }

    /**
     * Plays a leader that is ahead: a donor engine holds entries 1..S of a newer term, all applied,
     * and streams its snapshot into this engine, which must then drop its own log.
     */
    private void installFromDonor() throws Exception {
        long snapshotIndex = engine.log().lastIndex() + 1 + random.nextInt(200);
        long donorTerm = term + 1;
        Path donorDirectory = scratch.resolve("donor");
        DurableFiles.deleteTree(donorDirectory);
        Snapshot donorSnapshot;
        try (StorageEngine donor = StorageEngine.open(options(donorDirectory, DONOR, FsyncPolicy.NEVER))) {
            for (long from = 1; from <= snapshotIndex; from += 4096) {
                List<LogEntry> batch = new ArrayList<>();
                for (long index = from; index <= Math.min(snapshotIndex, from + 4095); index++) {
                    batch.add(CrashWorkload.entry(index, donorTerm));
                }
                donor.log().append(batch);
                donor.apply(batch);
            }
            donorSnapshot = donor.createSnapshot();
            say("INSTALLING " + snapshotIndex + " " + donorTerm);
            try (SnapshotReader reader = donor.openSnapshotReader(donorSnapshot, 64 * 1024);
                 SnapshotInstaller installer = engine.beginSnapshotInstall()) {
                while (reader.hasNext()) {
                    installer.accept(reader.next());
                }
                engine.installSnapshot(installer.finish());
            }
        }
        term = donorTerm;
        engine.memberRecord().save(engine.memberRecord().current().withTermAndVote(term, 2));
        commitIndex = snapshotIndex;
        say("INSTALLED " + snapshotIndex + " " + donorTerm);
    }

    private void say(String line) {
        out.println(line);
        out.flush();
    }
}
