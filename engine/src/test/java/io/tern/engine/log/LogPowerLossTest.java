package io.tern.engine.log;

import io.tern.raft.types.EntryKind;
import io.tern.raft.types.LogEntry;
import io.tern.engine.CorruptStorageException;
import io.tern.engine.FsyncPolicy;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Power cuts, modelled. A SIGKILL leaves the page cache to the kernel, so {@code EngineCrashTest}
 * never sees what a power cut does: whatever was written after the last completed sync may reach
 * the disk, not reach it, or reach it torn, page by page in any order.
 *
 * <p>Each round runs a seeded workload on a log (appends, truncations, commit marks, file rolls,
 * compaction), captures every file of the log directory when the last sync it counts as completed
 * returns (its own, or the one compaction runs before it deletes files), goes on writing (perhaps
 * starting one more sync: the one the cut interrupts), then builds the directory a power cut could
 * leave: each 512-byte sector changed since the capture is old, new, zeroed or (where nothing was
 * synced before) garbage; files created since are missing, empty or partly written; files deleted
 * since are gone or, after the last that went, still there; Chronicle's never-forced {@code metadata.cq4t} may be anything it was,
 * zeros or empty. The log reopened from it must be the log as it was after some record written
 * since the capture (so it holds all the last sync covered, bar what a later record truncated),
 * return no entry that was never written, repair its tail so that what is appended next survives
 * another reopen, and never hang. The other rounds also garble one byte of a record that two
 * completed syncs covered: that is corruption, not a torn tail, and the open must refuse it with
 * one line.
 *
 * <p>The seed is fixed, so that a build fails only when a change broke something, never because
 * this run drew a new workload. {@code -Dtern.powerloss.seed=random} draws one to explore (or
 * {@code =S} replays one: each failure names its seed), {@code -Dtern.powerloss.rounds=N} changes
 * the number of rounds of each kind; each round draws its own workload from the seed.
 */
class LogPowerLossTest {

    private static final int ROUNDS = Integer.getInteger("tern.powerloss.rounds", 8);
    /** The seed that found compaction deleting a synced commit mark before restating it durably. */
    private static final long DEFAULT_SEED = 1797230797201L;
    private static final long SEED = seed(System.getProperty("tern.powerloss.seed"));
    private static final int SECTOR = 512;
    private static final long OPEN_DEADLINE_SECONDS = 60;

    @TempDir
    Path dir;

    private final ExecutorService opener = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "power-loss-open");
        thread.setDaemon(true);
        return thread;
    });

    private static long seed(String property) {
        if (property == null || property.isBlank()) {
            return DEFAULT_SEED;
        }
        return property.equals("random") ? System.nanoTime() : Long.parseLong(property);
    }

    @AfterEach
    void stopOpener() {
        opener.shutdownNow();
    }

    private int tornTailsCut;
    private int refusals;

    @Test
    void everythingSyncedSurvivesAPowerCutAndTheTornTailIsRepaired() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            new Round(round, false).run();
        }
        System.out.printf("%d power cuts (seed %d): %d torn tails cut%n", ROUNDS, SEED, tornTailsCut);
    }

    @Test
    void aGarbledRecordThatTwoSyncsCoveredIsRefusedWithOneLine() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            new Round(round, true).run();
        }
        System.out.printf("%d garbled synced records (seed %d): %d refused%n", ROUNDS, SEED, refusals);
        assertTrue(refusals > 0 || ROUNDS == 0, "no round garbled anything (seed " + SEED + ")");
    }

    /** The payload of the entry at (index, term): unique to the pair, its size drawn from the pair too. */
    static LogEntry entry(long index, long term) {
        SplittableRandom random = new SplittableRandom(index * 1_000_003L + term);
        int size = random.nextInt(10) == 0 ? 6_000 + random.nextInt(20_000) : random.nextInt(1_500);
        byte[] tag = ("E" + index + "." + term + ":").getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[tag.length + size];
        System.arraycopy(tag, 0, payload, 0, tag.length);
        for (int i = tag.length; i < payload.length; i++) {
            payload[i] = (byte) random.nextInt(256);
        }
        return new LogEntry(index, term, EntryKind.COMMAND, payload);
    }

    private final class Round {
        final int number;
        final boolean corruptSynced;
        final long seed;
        final SplittableRandom random;
        final String context;
        final Path live;
        final Path crashed;
        final SetTimeProvider clock = new SetTimeProvider(1_700_000_000_000_000_000L);

        /** The log as the workload left it: entries by index, and the commit watermark. */
        final TreeMap<Long, LogEntry> expected = new TreeMap<>();
        long firstIndex = 1;
        long committed;
        long term = 1;
        long compactedUpTo;
        /** For each completed sync that wrote anything, the entries as it started: what it covers. */
        final List<TreeMap<Long, LogEntry>> syncedViews = new ArrayList<>();
        /** The commit mark as the last completed sync started. */
        long syncedCommitted;
        /**
         * The files as the last completed sync returned, once the workload is past the first such
         * capture; null before.
         */
        TreeMap<String, FileImage> durable;
        /** Whether the sync the cut interrupts has started: no compaction can then run (see compact). */
        boolean aSyncNeverReturns;
        /**
         * The logs a power cut may leave: the one the last completed sync made durable, and the one
         * after each record written since (an open cuts at the first torn record, so what it keeps
         * is always the log as it was after some record).
         */
        final List<TreeMap<Long, LogEntry>> reachable = new ArrayList<>();

        Round(int number, boolean corruptSynced) {
            this.number = number;
            this.corruptSynced = corruptSynced;
            this.seed = SEED ^ (number * 0x9E3779B97F4A7C15L) ^ (corruptSynced ? 0x5DEECE66DL : 0);
            this.random = new SplittableRandom(seed);
            String kind = corruptSynced ? "corruption" : "power-cut";
            this.context = kind + " round " + (number + 1) + "/" + ROUNDS + " (replay: -Dtern.powerloss.seed=" + SEED + ")";
            this.live = dir.resolve(kind + "-" + number).resolve("live");
            this.crashed = dir.resolve(kind + "-" + number).resolve("crashed");
        }

        LogConfig options() {
            return new LogConfig(FsyncPolicy.ALWAYS, TestRollCycles.TEST_SECONDLY, clock);
        }

        /** Plays the round; any failure names the round and the seed that replays it. */
        void run() {
            try {
                play();
            } catch (AssertionError e) {
                throw e; // every assertion names them already
            } catch (Exception e) {
                throw new AssertionError(context + ": " + e, e);
            }
        }

        void play() throws Exception {
            int completedSyncs = 1 + random.nextInt(6);
            TreeMap<String, FileImage> cut;
            ChronicleRaftLog log = ChronicleRaftLog.open(live, options());
            try {
                // A garbled record needs two syncs that wrote something after it.
                for (int sync = 1; sync <= completedSyncs || syncedViews.size() < (corruptSynced ? 3 : 1); sync++) {
                    runSomeOperations(log, 1 + random.nextInt(6));
                    // What a sync covers is what was written before it started.
                    TreeMap<Long, LogEntry> view = new TreeMap<>(expected);
                    long syncsBefore = log.syncCount();
                    log.sync();
                    if (log.syncCount() > syncsBefore) {
                        syncedViews.add(view);
                    }
                }
                syncCompleted(null);
                runSomeOperations(log, 1 + random.nextInt(8));
                if (random.nextInt(3) == 0) {
                    // The sync the cut interrupts: nothing it forced counts as durable, and as it
                    // never returned, no later sync can have started (others may still write).
                    log.sync();
                    aSyncNeverReturns = true;
                    runSomeOperations(log, random.nextInt(3));
                }
                cut = FileImage.captureAll(live);
            } finally {
                log.close();
            }
            String damage = buildPowerCutImage(cut);
            String garbled = corruptSynced ? garbleARecordCoveredByTwoSyncs() : "";
            String where = context + " [" + damage + garbled + "]";
            if (corruptSynced) {
                expectRefusal(where);
            } else {
                expectRepair(where);
            }
        }

        // ------------------------------------------------------------ workload

        void runSomeOperations(ChronicleRaftLog log, int count) throws IOException {
            for (int i = 0; i < count; i++) {
                int choice = random.nextInt(100);
                long last = expected.isEmpty() ? firstIndex - 1 : expected.lastKey();
                if (choice < 55 || last < firstIndex) {
                    List<LogEntry> batch = new ArrayList<>();
                    int size = 1 + random.nextInt(12);
                    for (long index = last + 1; index <= last + size; index++) {
                        batch.add(entry(index, term));
                    }
                    log.append(batch);
                    for (LogEntry e : batch) {
                        expected.put(e.index(), e);
                        noteReachable();
                    }
                } else if (choice < 65 && last > committed) {
                    // A new leader replaces an uncommitted suffix.
                    long from = committed + 1 + random.nextLong(last - committed);
                    from = Math.max(from, firstIndex);
                    term++;
                    log.truncateFrom(from);
                    expected.tailMap(from, true).clear();
                    noteReachable();
                } else if (choice < 85) {
                    long upTo = Math.min(last, committed + 1 + random.nextInt(10));
                    log.markCommitted(upTo);
                    committed = Math.max(committed, upTo);
                } else if (choice < 95) {
                    clock.advanceMillis(1_000);
                } else if (committed > firstIndex && !aSyncNeverReturns) {
                    compact(log, firstIndex + random.nextLong(committed - firstIndex + 1));
                }
            }
        }

        /**
         * Compaction syncs what it restates of the files it deletes before it deletes them (syncs
         * run one at a time: it waits for one in progress, so not after the sync the cut interrupts).
         * Such a sync that completed after the first capture moves the capture on; the files deleted
         * since may still be there after the cut.
         */
        void compact(ChronicleRaftLog log, long upTo) throws IOException {
            TreeMap<Long, LogEntry> view = new TreeMap<>(expected);
            TreeMap<String, FileImage> before = durable != null ? FileImage.captureAll(live) : null;
            long syncsBefore = log.syncCount();
            log.compactUpTo(upTo);
            compactedUpTo = Math.max(compactedUpTo, upTo);
            firstIndex = log.firstIndex();
            expected.headMap(firstIndex, false).clear();
            if (log.syncCount() > syncsBefore) {
                syncedViews.add(view);
                if (before != null) {
                    syncCompleted(before);
                }
            }
        }

        /**
         * Captures the files as a sync that completed left them, and those of {@code filesBefore}
         * (the files before a compaction, or null) that the compaction deleted after it: the cut
         * may come before their deletions land.
         */
        void syncCompleted(TreeMap<String, FileImage> filesBefore) throws IOException {
            durable = FileImage.captureAll(live);
            if (filesBefore != null) {
                filesBefore.forEach(durable::putIfAbsent);
            }
            syncedCommitted = committed;
            reachable.clear();
            reachable.add(new TreeMap<>(expected));
        }

        void noteReachable() {
            if (!reachable.isEmpty()) {
                reachable.add(new TreeMap<>(expected));
            }
        }

        // ------------------------------------------------------------ the power cut

        /**
         * Writes into {@code crashed} what the disk could hold: the captured durable files, with
         * each change made since either applied, lost, zeroed or garbled. Returns a description.
         */
        String buildPowerCutImage(TreeMap<String, FileImage> cut) throws IOException {
            Files.createDirectories(crashed);
            StringBuilder damage = new StringBuilder();
            TreeSet<String> names = new TreeSet<>(durable.keySet());
            names.addAll(cut.keySet());
            // How sectors fare this round: each drawn alone, or a prefix that landed, or holes in what landed.
            int style = random.nextInt(3);
            // Compaction deletes the oldest files first, each deletion forced before the next: some of them landed.
            List<String> deletedSince = names.stream().filter(n -> cut.get(n) == null).toList();
            int deletionsLanded = random.nextInt(deletedSince.size() + 1);
            for (String name : names) {
                FileImage before = durable.get(name);
                FileImage after = cut.get(name);
                Path target = crashed.resolve(name);
                if (name.equals("metadata.cq4t")) {
                    // Chronicle never forces it: any version of it, zeros, or nothing.
                    int fate = random.nextInt(5);
                    switch (fate) {
                        case 0 -> after.writeTo(target);
                        case 1 -> (before != null ? before : after).writeTo(target);
                        case 2 -> FileImage.zeros(after.length).writeTo(target);
                        case 3 -> Files.write(target, new byte[0]);
                        default -> { }
                    }
                    damage.append(name).append(":").append(List.of("new", "old", "zeros", "empty", "missing").get(fate)).append(' ');
                    continue;
                }
                if (after == null) {
                    if (deletedSince.indexOf(name) >= deletionsLanded) {
                        before.writeTo(target);
                        damage.append(name).append(":undeleted ");
                    }
                    continue;
                }
                if (before == null) {
                    int fate = random.nextInt(4);
                    if (fate == 0) {
                        damage.append(name).append(":missing ");
                        continue;
                    }
                    if (fate == 1) {
                        Files.write(target, new byte[0]);
                        damage.append(name).append(":empty ");
                        continue;
                    }
                    before = FileImage.zeros(after.length);
                    damage.append(name).append(":new ");
                }
                int[] counts = new int[4];
                byte[] content = mixSectors(before, after, style, counts);
                new FileImage(after.length, content).writeTo(target);
                damage.append(name).append(String.format(":style%d old%d new%d zero%d garbage%d ", style,
                        counts[0], counts[1], counts[2], counts[3]));
            }
            return damage.toString().trim();
        }

        byte[] mixSectors(FileImage before, FileImage after, int style, int[] counts) {
            int extent = Math.max(before.content.length, after.content.length);
            byte[] old = Arrays.copyOf(before.content, extent);
            byte[] now = Arrays.copyOf(after.content, extent);
            byte[] result = old.clone();
            List<Integer> changed = new ArrayList<>();
            for (int sector = 0; sector * SECTOR < extent; sector++) {
                int from = sector * SECTOR;
                int to = Math.min(extent, from + SECTOR);
                if (!Arrays.equals(old, from, to, now, from, to)) {
                    changed.add(sector);
                }
            }
            int landedPrefix = changed.isEmpty() ? 0 : random.nextInt(changed.size() + 1);
            for (int k = 0; k < changed.size(); k++) {
                int from = changed.get(k) * SECTOR;
                int to = Math.min(extent, from + SECTOR);
                boolean fresh = isZero(old, from, to);
                int outcome = switch (style) {
                    case 0 -> random.nextInt(4);
                    case 1 -> k < landedPrefix ? 1 : (random.nextInt(4) == 0 ? 3 : 0);
                    default -> random.nextInt(5) == 0 ? random.nextInt(4) : 1;
                };
                if (!fresh && outcome >= 2) {
                    // A sector that already held synced bytes is written whole or not at all.
                    outcome = random.nextBoolean() ? 0 : 1;
                }
                counts[outcome]++;
                for (int i = from; i < to; i++) {
                    if (old[i] == now[i]) {
                        continue;
                    }
                    result[i] = switch (outcome) {
                        case 0 -> old[i];
                        case 1 -> now[i];
                        case 2 -> 0;
                        default -> (byte) random.nextInt(256);
                    };
                }
            }
            return result;
        }

        /** Flips one byte of a record that two completed syncs covered: its header, body or checksum. */
        String garbleARecordCoveredByTwoSyncs() throws IOException {
            TreeMap<Long, LogEntry> covered = syncedViews.get(syncedViews.size() - 2);
            List<LogEntry> candidates = new ArrayList<>();
            for (LogEntry e : covered.values()) {
                if (e.index() > compactedUpTo) {
                    candidates.add(e);
                }
            }
            if (candidates.isEmpty()) {
                return " nothing to garble";
            }
            List<Path> files = cycleFiles(crashed);
            List<byte[]> contents = new ArrayList<>();
            for (Path file : files) {
                contents.add(FileImage.capture(file).content());
            }
            while (!candidates.isEmpty()) {
                LogEntry victim = candidates.remove(random.nextInt(candidates.size()));
                byte[] tag = Arrays.copyOf(victim.payload(), Math.min(victim.payload().length, 24));
                int at = -1;
                int fileNumber = 0;
                while (at < 0 && fileNumber < files.size()) {
                    at = indexOf(contents.get(fileNumber++), tag);
                }
                if (at < 0) {
                    continue; // in a file that compaction deleted
                }
                Path file = files.get(fileNumber - 1);
                // The record: [chronicle header 4][type 1][index 8][term 8][kind 1][length 4][payload][crc 4]
                int recordStart = at - LogRecord.ENTRY_HEADER_BYTES;
                int recordEnd = at + victim.payload().length + LogRecord.CRC_BYTES;
                int offset = switch (random.nextInt(3)) {
                    case 0 -> recordStart - 4 + random.nextInt(4);
                    case 1 -> recordStart + random.nextInt(recordEnd - recordStart - LogRecord.CRC_BYTES);
                    default -> recordEnd - LogRecord.CRC_BYTES + random.nextInt(LogRecord.CRC_BYTES);
                };
                byte flip = (byte) (1 << random.nextInt(8));
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
                    ByteBuffer one = ByteBuffer.allocate(1);
                    channel.read(one, offset);
                    one.put(0, (byte) (one.get(0) ^ flip));
                    one.rewind();
                    channel.write(one, offset);
                }
                return " garbled index " + victim.index() + " at " + file.getFileName() + "+" + offset
                        + " (record at +" + recordStart + ")";
            }
            return " nothing to garble";
        }

        // ------------------------------------------------------------ checks

        ChronicleRaftLog openWithDeadline(String where) throws Exception {
            // The machine booted again after the cut: the log must not take its files for a process crash's.
            Future<ChronicleRaftLog> opening = opener.submit(() -> ChronicleRaftLog.open(crashed,
                    options().withBoot("the boot after the power cut")));
            try {
                return opening.get(OPEN_DEADLINE_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                fail(where + ": the open hung for " + OPEN_DEADLINE_SECONDS + " s");
                throw e;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Exception cause) {
                    throw cause;
                }
                throw e;
            }
        }

        void expectRepair(String where) throws Exception {
            ChronicleRaftLog log;
            try {
                log = openWithDeadline(where);
            } catch (RuntimeException e) {
                throw new AssertionError(where + ": the open after a power cut failed: " + e, e);
            }
            long lastAfterRepair;
            TreeMap<Long, LogEntry> afterRepair = new TreeMap<>();
            try {
                String state = where + " [log " + log.firstIndex() + ".." + log.lastIndex() + " committed "
                        + log.committedIndex() + ", " + log.openReport() + "]";
                checkSyncedEntriesAndNothingElse(log, state);
                tornTailsCut += (int) log.openReport().tornTailsCut();
                lastAfterRepair = log.lastIndex();
                for (long index = log.firstIndex(); index <= lastAfterRepair; index++) {
                    afterRepair.put(index, log.entry(index));
                }
                // What is appended after the repair must survive the next open.
                long nextTerm = term + 1;
                List<LogEntry> more = new ArrayList<>();
                for (long index = lastAfterRepair + 1; index <= lastAfterRepair + 5; index++) {
                    more.add(entry(index, nextTerm));
                }
                log.append(more);
                log.markCommitted(lastAfterRepair + 5);
                log.sync();
                more.forEach(e -> afterRepair.put(e.index(), e));
                assertEquals(entry(lastAfterRepair + 5, nextTerm), log.entry(lastAfterRepair + 5), state + ": an entry appended after the repair");
            } finally {
                log.close();
            }
            ChronicleRaftLog reopened = openWithDeadline(where + " (second open)");
            try {
                String state = where + " second open [log " + reopened.firstIndex() + ".." + reopened.lastIndex() + ", "
                        + reopened.openReport() + "]";
                assertEquals(0, reopened.openReport().tornTailsCut(), state + ": the repair did not stick");
                assertEquals(lastAfterRepair + 5, reopened.lastIndex(), state + ": entries appended after the repair are lost");
                assertEquals(lastAfterRepair + 5, reopened.committedIndex(), state + ": the commit mark after the repair is lost");
                for (long index = reopened.firstIndex(); index <= reopened.lastIndex(); index++) {
                    assertEquals(afterRepair.get(index), reopened.entry(index), state + ": index " + index + " changed");
                }
            } finally {
                reopened.close();
            }
        }

        /**
         * The log holds what it held after some record written since the last completed sync, so
         * everything that sync covered unless a later record replaced it, and no bytes never written.
         */
        void checkSyncedEntriesAndNothingElse(ChronicleRaftLog log, String state) {
            for (long index = log.firstIndex(); index <= log.lastIndex(); index++) {
                LogEntry found = log.entry(index);
                assertEquals(entry(index, found.term()), found, state + ": index " + index + " holds bytes never written");
            }
            String mismatch = null;
            for (TreeMap<Long, LogEntry> candidate : reachable) {
                mismatch = mismatch(log, candidate);
                if (mismatch == null) {
                    break;
                }
            }
            assertTrue(mismatch == null, state + ": the log is none of those a power cut could leave; against the last: " + mismatch);
            assertTrue(log.committedIndex() >= Math.min(syncedCommitted, log.lastIndex()),
                    state + ": the synced commit mark " + syncedCommitted + " went back to " + log.committedIndex());
        }

        /** Why the log differs from {@code candidate} (below the log's start, compaction may have dropped entries), or null. */
        String mismatch(ChronicleRaftLog log, TreeMap<Long, LogEntry> candidate) {
            if (candidate.isEmpty()) {
                return log.lastIndex() < log.firstIndex() ? null : "it holds entries, not none";
            }
            if (log.firstIndex() > Math.max(candidate.firstKey(), compactedUpTo)) {
                return "it starts at " + log.firstIndex() + ", after " + candidate.firstKey()
                        + " though compaction stopped at " + compactedUpTo;
            }
            if (log.lastIndex() != candidate.lastKey()) {
                return "it ends at " + log.lastIndex() + ", not " + candidate.lastKey();
            }
            for (LogEntry e : candidate.tailMap(log.firstIndex(), true).values()) {
                if (!e.equals(log.entry(e.index()))) {
                    return "index " + e.index() + " holds " + log.entry(e.index()) + ", not " + e;
                }
            }
            return null;
        }

        void expectRefusal(String where) throws Exception {
            try {
                ChronicleRaftLog log = openWithDeadline(where);
                String state = where + " [log " + log.firstIndex() + ".." + log.lastIndex() + ", " + log.openReport() + "]";
                log.close();
                if (where.contains("nothing to garble")) {
                    return;
                }
                fail(state + ": a garbled synced record was not refused");
            } catch (CorruptStorageException e) {
                refusals++;
                assertFalse(e.getMessage().contains("\n"), where + ": the refusal is one line: " + e.getMessage());
                assertTrue(e.getMessage().contains(".cq4"), where + ": the refusal names the file: " + e.getMessage());
            } catch (RuntimeException e) {
                throw new AssertionError(where + ": the refusal is not a CorruptStorageException: " + e, e);
            }
        }
    }

    // ---------------------------------------------------------------- files

    private static List<Path> cycleFiles(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.toString().endsWith(".cq4")).sorted().toList();
        }
    }

    private static boolean isZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Latin-1 maps each byte to one char, so the JDK's string search finds byte sequences. */
    private static int indexOf(byte[] haystack, byte[] needle) {
        return new String(haystack, StandardCharsets.ISO_8859_1).indexOf(new String(needle, StandardCharsets.ISO_8859_1));
    }

    /** A file as its length and its content up to the last non-zero byte (Chronicle's files are mostly holes). */
    private record FileImage(long length, byte[] content) {

        static FileImage zeros(long length) {
            return new FileImage(length, new byte[0]);
        }

        static TreeMap<String, FileImage> captureAll(Path directory) throws IOException {
            TreeMap<String, FileImage> images = new TreeMap<>();
            try (Stream<Path> files = Files.list(directory)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    images.put(file.getFileName().toString(), capture(file));
                }
            }
            return images;
        }

        static FileImage capture(Path file) throws IOException {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                long length = channel.size();
                ByteBuffer block = ByteBuffer.allocate(1 << 20);
                ByteArrayOutputStream kept = new ByteArrayOutputStream();
                long position = 0;
                long lastNonZero = -1;
                List<byte[]> blocks = new ArrayList<>();
                while (position < length) {
                    block.clear();
                    int read = channel.read(block, position);
                    if (read <= 0) {
                        break;
                    }
                    byte[] bytes = Arrays.copyOf(block.array(), read);
                    for (int i = read - 1; i >= 0; i--) {
                        if (bytes[i] != 0) {
                            lastNonZero = position + i;
                            break;
                        }
                    }
                    blocks.add(bytes);
                    position += read;
                    if (lastNonZero < position - (2L << 20)) {
                        break; // Chronicle writes nothing far past its last record: the rest is a hole
                    }
                }
                for (byte[] bytes : blocks) {
                    kept.write(bytes);
                }
                return new FileImage(length, Arrays.copyOf(kept.toByteArray(), (int) (lastNonZero + 1)));
            }
        }

        void writeTo(Path target) throws IOException {
            try (FileChannel channel = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(ByteBuffer.wrap(content));
                if (length > content.length) {
                    channel.write(ByteBuffer.allocate(1), length - 1); // the rest stays a hole
                }
            }
        }
    }
}
