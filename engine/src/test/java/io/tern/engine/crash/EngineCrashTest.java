package io.tern.engine.crash;

import io.tern.engine.ChildJvm;
import io.tern.engine.FsyncPolicy;
import io.tern.engine.StorageEngine;
import io.tern.raft.types.LogEntry;
import io.tern.engine.log.RaftLog;
import io.tern.engine.state.ReadResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Durability under real crashes: a {@link CrashWorker} child JVM is killed with SIGKILL again and
 * again at chosen moments (mid-append, mid-truncation, mid-snapshot, mid-install), and after each
 * kill the directory is reopened and checked against everything the child had claimed durable:
 * every synced entry is there with its bytes, nothing applied is lost, a truncation or install is
 * wholly done or not at all, and the state is exactly the log's entries applied in order.
 *
 * <p>{@code -Dtern.crash.kills=N} changes the number of kills; {@code -Dtern.crash.seed=S} fixes the
 * worker's choices and the kill points (timing still varies).
 */
class EngineCrashTest {

    private static final int KILLS = Integer.getInteger("tern.crash.kills", 24);
    private static final long SEED = Long.getLong("tern.crash.seed", System.nanoTime());
    private static final long WAIT_FOR_MARKER_NANOS = TimeUnit.SECONDS.toNanos(60);

    private enum KillPoint {
        MID_APPEND("SYNCED", 0, 2_000),
        MID_TRUNCATE("TRUNCATING", 0, 1_000),
        MID_SNAPSHOT("SNAPSHOTTING", 0, 30_000),
        MID_INSTALL("INSTALLING", 0, 30_000);

        final String marker;
        final int minDelayMicros;
        final int maxDelayMicros;

        KillPoint(String marker, int minDelayMicros, int maxDelayMicros) {
            this.marker = marker;
            this.minDelayMicros = minDelayMicros;
            this.maxDelayMicros = maxDelayMicros;
        }
    }

    @TempDir
    Path dir;

    private final SplittableRandom random = new SplittableRandom(SEED);
    private final Model model = new Model();

    @Test
    void everythingClaimedDurableSurvivesKillNineAtAnyPoint() throws Exception {
        Path data = dir.resolve("data");
        Path scratch = dir.resolve("scratch");
        Files.createDirectories(scratch);
        KillPoint[] points = KillPoint.values();
        for (int kill = 0; kill < KILLS; kill++) {
            KillPoint point = points[kill % points.length];
            String context = "kill " + (kill + 1) + "/" + KILLS + " " + point + " (replay: -Dtern.crash.seed=" + SEED + ")";
            runAndKill(data, scratch, point, context);
            verifyAndResync(data, context);
        }
        System.out.printf("%d kills (seed %d): truncations caught in flight %d (done %d), installs caught in flight %d (done %d)%n",
                KILLS, SEED, model.truncationsInFlight, model.truncationsFoundDone, model.installsInFlight, model.installsFoundDone);
    }

    private void runAndKill(Path data, Path scratch, KillPoint point, String context) throws Exception {
        Path stderr = dir.resolve("worker-stderr.txt");
        List<String> command = ChildJvm.command(List.of("-Xmx512m"), CrashWorker.class, data.toString(),
                scratch.toString(), Long.toString(random.nextLong()));
        Process worker = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8))) {
            int appendsToSee = point == KillPoint.MID_APPEND ? 1 + random.nextInt(40) : 1;
            long deadline = System.nanoTime() + WAIT_FOR_MARKER_NANOS;
            String line;
            while ((line = lines.readLine()) != null) {
                model.accept(line);
                if (line.startsWith(point.marker) && --appendsToSee == 0) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    fail(context + ": the worker never reached " + point.marker + "; its stderr: " + tail(stderr));
                }
            }
            if (line == null) {
                fail(context + ": the worker exited with " + worker.waitFor() + " before " + point.marker + "; its stderr: " + tail(stderr));
            }
            // A random moment inside the operation that the marker announced.
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(point.minDelayMicros
                    + random.nextInt(point.maxDelayMicros - point.minDelayMicros + 1)));
            // SIGKILL through the handle: Process.destroyForcibly() would also close the pipe and
            // lose lines the worker printed before it died.
            worker.toHandle().destroyForcibly();
            assertTrue(worker.waitFor(30, TimeUnit.SECONDS), context + ": the worker did not die");
            // Whatever it printed before dying was a claim too.
            while ((line = lines.readLine()) != null) {
                model.accept(line);
            }
        } finally {
            worker.destroyForcibly();
        }
    }

    private void verifyAndResync(Path data, String context) {
        try (StorageEngine engine = StorageEngine.open(CrashWorker.options(data, CrashWorker.IDENTITY, FsyncPolicy.ALWAYS))) {
            model.settlePending(engine);
            RaftLog log = engine.log();
            long applied = engine.appliedIndex();
            String where = context + " [log " + log.firstIndex() + ".." + log.lastIndex() + ", applied " + applied
                    + ", " + engine.recoveryReport() + "]";

            assertTrue(applied >= model.appliedAtLeast, where + ": applied index went back from " + model.appliedAtLeast);
            assertEquals(log.committedIndex(), applied, where + ": recovery must apply exactly the committed entries");
            for (Map.Entry<Long, Long> synced : model.termsByIndex.entrySet()) {
                long index = synced.getKey();
                if (index < log.firstIndex()) {
                    assertTrue(index <= applied, where + ": synced index " + index + " was compacted before being applied");
                    continue;
                }
                assertTrue(index <= log.lastIndex(), where + ": synced index " + index + " is missing");
                assertEquals(CrashWorkload.entry(index, synced.getValue()), log.entry(index),
                        where + ": synced index " + index + " has other bytes");
            }
            for (long index = log.firstIndex(); index <= log.lastIndex(); index++) {
                LogEntry entry = log.entry(index);
                assertEquals(CrashWorkload.entry(index, entry.term()), entry, where + ": index " + index + " holds bytes never written");
            }
            for (int key = 0; key < CrashWorkload.KEYS; key++) {
                checkKey(engine, key, applied, where);
            }
            model.resyncFrom(engine);
        }
    }

    /** The state holds, for each key, exactly the newest write at or below the applied index. */
    private static void checkKey(StorageEngine engine, int key, long applied, String where) {
        long expected = CrashWorkload.newestWriteOf(key, applied);
        ReadResult read = engine.get(CrashWorkload.key(key));
        if (expected == 0) {
            assertFalse(read.found(), where + ": key k" + key + " exists though nothing wrote it yet");
            return;
        }
        assertTrue(read.found(), where + ": key k" + key + " lost its write at " + expected);
        long[] indexAndTerm = CrashWorkload.indexAndTermOf(read.value());
        assertNotNull(indexAndTerm, where + ": key k" + key + " holds a value never written");
        assertEquals(expected, indexAndTerm[0], where + ": key k" + key + " holds the write of another index");
        assertArrayEquals(CrashWorkload.value(indexAndTerm[0], indexAndTerm[1]), read.value(),
                where + ": key k" + key + " holds other bytes");
        RaftLog log = engine.log();
        if (expected >= log.firstIndex() && expected <= log.lastIndex()) {
            assertEquals(log.term(expected), indexAndTerm[1], where + ": key k" + key + " was applied from another term's entry");
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** What the worker has claimed: the synced entries still required, and what must be applied. */
    private static final class Model {
        final TreeMap<Long, Long> termsByIndex = new TreeMap<>();
        long appliedAtLeast;
        long pendingTruncate = -1;
        long[] pendingInstall;
        int truncationsInFlight;
        int truncationsFoundDone;
        int installsInFlight;
        int installsFoundDone;

        void accept(String line) {
            String[] words = line.split(" ");
            switch (words[0]) {
                case "SYNCED" -> {
                    long from = Long.parseLong(words[1]);
                    long to = Long.parseLong(words[2]);
                    long term = Long.parseLong(words[3]);
                    for (long index = from; index <= to; index++) {
                        termsByIndex.put(index, term);
                    }
                }
                case "TRUNCATING" -> pendingTruncate = Long.parseLong(words[1]);
                case "TRUNCATED" -> {
                    truncate(Long.parseLong(words[1]));
                    pendingTruncate = -1;
                }
                case "APPLIED" -> appliedAtLeast = Math.max(appliedAtLeast, Long.parseLong(words[1]));
                case "INSTALLING" -> pendingInstall = new long[]{Long.parseLong(words[1]), Long.parseLong(words[2])};
                case "INSTALLED" -> {
                    installed(Long.parseLong(words[1]));
                    pendingInstall = null;
                }
                default -> {
                    // OPENED, SNAPSHOTTING, SNAPSHOT: nothing to remember.
                }
            }
        }

        private void truncate(long from) {
            termsByIndex.tailMap(from, true).clear();
        }

        private void installed(long snapshotIndex) {
            termsByIndex.clear();
            appliedAtLeast = Math.max(appliedAtLeast, snapshotIndex);
        }

        /**
         * A kill between an operation's two markers may leave it done or not done, never half
         * done: decide which from what the disk shows, and let the checks hold it to that.
         */
        void settlePending(StorageEngine engine) {
            RaftLog log = engine.log();
            if (pendingInstall != null) {
                installsInFlight++;
                if (engine.appliedIndex() >= pendingInstall[0]) {
                    installed(pendingInstall[0]);
                    installsFoundDone++;
                }
                pendingInstall = null;
            }
            if (pendingTruncate >= 0) {
                truncationsInFlight++;
                Long term = termsByIndex.get(pendingTruncate);
                boolean stillHeld = term != null && pendingTruncate <= log.lastIndex()
                        && log.term(pendingTruncate) == term;
                if (!stillHeld) {
                    assertTrue(log.lastIndex() < pendingTruncate, "a truncation from " + pendingTruncate
                            + " was left half done: the log ends at " + log.lastIndex());
                    truncate(pendingTruncate);
                    truncationsFoundDone++;
                }
                pendingTruncate = -1;
            }
        }

        /** After a verified recovery, what the disk holds is the new baseline. */
        void resyncFrom(StorageEngine engine) {
            RaftLog log = engine.log();
            termsByIndex.clear();
            for (long index = log.firstIndex(); index <= log.lastIndex(); index++) {
                termsByIndex.put(index, log.term(index));
            }
            appliedAtLeast = engine.appliedIndex();
        }
    }
}
