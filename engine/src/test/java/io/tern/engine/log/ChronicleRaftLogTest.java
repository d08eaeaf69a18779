package io.tern.engine.log;

import io.tern.raft.types.CompactedIndexException;
import io.tern.raft.types.ConfigEntryScan;
import io.tern.raft.types.EntryKind;
import io.tern.raft.types.LogEntry;
import io.tern.engine.CorruptStorageException;
import io.tern.engine.FsyncPolicy;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChronicleRaftLogTest {

    @TempDir
    Path dir;

    private final SetTimeProvider clock = new SetTimeProvider(1_700_000_000_000_000_000L);
    private final List<ChronicleRaftLog> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(ChronicleRaftLog::close);
    }

    private ChronicleRaftLog open() {
        return open(dir.resolve("log"));
    }

    private ChronicleRaftLog open(Path directory) {
        return open(directory, new LogConfig(FsyncPolicy.ALWAYS, TestRollCycles.TEST_SECONDLY, clock));
    }

    /** Opens what a power cut left: the machine has booted again since. */
    private ChronicleRaftLog openAfterPowerCut(Path directory) {
        return open(directory, new LogConfig(FsyncPolicy.ALWAYS, TestRollCycles.TEST_SECONDLY, clock)
                .withBoot("the boot after the power cut"));
    }

    private ChronicleRaftLog open(Path directory, LogConfig config) {
        ChronicleRaftLog log = ChronicleRaftLog.open(directory, config);
        opened.add(log);
        return log;
    }

    /** What a crash leaves of the open log: its files as they are now, copied aside, with no clean close. */
    private Path crashCopy() throws IOException {
        return crashCopy("crashed");
    }

    private Path crashCopy(String name) throws IOException {
        Path copy = dir.resolve(name);
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(dir.resolve("log"))) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        return copy;
    }

    /**
     * What a power cut right now may leave of the open log, in which {@code syncs} syncs completed
     * since it was created empty: its files as they are, less everything written after the marker
     * of the last sync (zeros, as never written). Only what that sync forced, and the deletions
     * forced with the directory, are sure to be on disk.
     */
    private Path powerCutCopy(long syncs) throws IOException {
        Path copy = crashCopy();
        byte[] marker = Arrays.copyOf(LogRecord.encode(new LogRecord.Sync(syncs), ByteBuffer.allocate(LogRecord.MARKER_BYTES)).array(),
                LogRecord.MARKER_BYTES);
        List<Path> files = cycleFiles(copy).stream().sorted().toList();
        for (int i = files.size() - 1; i >= 0; i--) {
            byte[] content = Files.readAllBytes(files.get(i));
            int at = indexOf(content, marker);
            if (at >= 0) {
                Arrays.fill(content, at + marker.length, content.length, (byte) 0);
                Files.write(files.get(i), content);
                return copy;
            }
            Files.delete(files.get(i));
        }
        throw new AssertionError("the marker of sync " + syncs + " is in no log file");
    }

    private ChronicleRaftLog reopen(ChronicleRaftLog log) {
        return reopen(log, dir.resolve("log"));
    }

    private ChronicleRaftLog reopen(ChronicleRaftLog log, Path directory) {
        log.close();
        return open(directory);
    }

    private static LogEntry entry(long index, long term) {
        return new LogEntry(index, term, EntryKind.COMMAND, ("value-" + index + "-term-" + term).getBytes(StandardCharsets.UTF_8));
    }

    private static List<LogEntry> entries(long from, long to, long term) {
        return LongStream.rangeClosed(from, to).mapToObj(i -> entry(i, term)).toList();
    }

    @Test
    void newLogIsEmptyAndStartsAtOne() {
        ChronicleRaftLog log = open();
        assertEquals(1, log.firstIndex());
        assertEquals(0, log.lastIndex());
        assertEquals(0, log.committedIndex());
        assertThrows(IndexOutOfBoundsException.class, () -> log.entry(1));
    }

    @Test
    void appendedEntriesAreReadBackByIndexAndSurviveReopen() {
        ChronicleRaftLog log = open();
        log.append(entries(1, 100, 1));
        log.sync();
        assertEquals(entry(57, 1), log.entry(57));
        assertEquals(1, log.term(1));

        log = reopen(log);
        assertEquals(1, log.firstIndex());
        assertEquals(100, log.lastIndex());
        assertEquals(entries(1, 100, 1), log.entries(1, 101, Long.MAX_VALUE));
        assertEquals(100 + 2, log.openReport().recordsRead(), "the entries, the sync's marker and the close's");
    }

    @Test
    void termsFollowTruncationCompactionAndReopen() {
        ChronicleRaftLog first = open();
        first.append(entries(1, 3000, 1));
        first.truncateFrom(2001);
        first.append(entries(2001, 2500, 2));
        first.sync();
        assertEquals(1, first.term(2000));
        assertEquals(2, first.term(2001));
        assertEquals(2, first.term(2500));
        ChronicleRaftLog log = reopen(first);
        assertEquals(1, log.term(1));
        assertEquals(2, log.term(2001));
        for (long index = 1; index <= 2500; index += 97) {
            assertEquals(log.entry(index).term(), log.term(index), "index " + index);
        }
        assertThrows(IndexOutOfBoundsException.class, () -> log.term(2501));
        log.resetTo(4000);
        log.append(entries(4000, 4001, 3));
        assertEquals(3, log.term(4001));
        assertThrows(CompactedIndexException.class, () -> log.term(2000));
    }

    @Test
    void rangeReadStopsAtTheByteBudgetButReturnsAtLeastOneEntry() {
        ChronicleRaftLog log = open();
        log.append(entries(1, 10, 1));
        int size = entry(1, 1).payload().length;
        assertEquals(3, log.entries(1, 11, 3L * size).size());
        assertEquals(List.of(entry(4, 1)), log.entries(4, 11, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> log.entries(5, 12, Long.MAX_VALUE));
    }

    @Test
    void emptyAndFourMebibytePayloadsRoundTrip() {
        ChronicleRaftLog log = open();
        byte[] huge = new byte[4 << 20];
        Arrays.fill(huge, (byte) 0x5a);
        huge[huge.length - 1] = 7;
        log.append(List.of(new LogEntry(1, 1, EntryKind.NOOP, new byte[0]),
                new LogEntry(2, 1, EntryKind.COMMAND, huge),
                new LogEntry(3, 1, EntryKind.COMMAND, new byte[0])));
        log.sync();
        log = reopen(log);
        assertEquals(0, log.entry(1).payload().length);
        assertArrayEquals(huge, log.entry(2).payload());
        assertEquals(EntryKind.COMMAND, log.entry(3).kind());
    }

    @Test
    void appendMustContinueTheLogWithoutGapOrOverlap() {
        ChronicleRaftLog log = open();
        log.append(entries(1, 3, 1));
        assertThrows(IllegalArgumentException.class, () -> log.append(List.of(entry(5, 1))));
        assertThrows(IllegalArgumentException.class, () -> log.append(List.of(entry(3, 1))));
        assertThrows(IllegalArgumentException.class, () -> log.append(List.of(entry(4, 1), entry(6, 1))));
        assertEquals(3, log.lastIndex(), "a refused batch writes nothing");
    }

    @Test
    void truncationThenReappendReplacesTheSuffixAndSurvivesReopen() {
        ChronicleRaftLog log = open();
        log.append(entries(1, 10, 1));
        log.truncateFrom(6);
        assertEquals(5, log.lastIndex());
        assertThrows(IndexOutOfBoundsException.class, () -> log.entry(6));
        log.append(entries(6, 8, 2));
        log.sync();

        ChronicleRaftLog reopened = reopen(log);
        assertEquals(8, reopened.lastIndex());
        assertEquals(entry(5, 1), reopened.entry(5));
        assertEquals(entry(6, 2), reopened.entry(6));
        assertEquals(entry(8, 2), reopened.entry(8));
    }

    @Test
    void truncatingPastTheEndIsANoOpAndBelowTheStartIsRefused() {
        ChronicleRaftLog log = open();
        log.append(entries(1, 5, 1));
        log.truncateFrom(9);
        assertEquals(5, log.lastIndex());
        log.resetTo(20);
        assertThrows(CompactedIndexException.class, () -> log.truncateFrom(3));
    }

    @Test
    void resetStartsTheLogAfterASnapshotAndCountsEverythingBelowAsCommitted() {
        ChronicleRaftLog log = open();
        log.append(entries(1, 5, 1));
        log.resetTo(101);
        assertEquals(101, log.firstIndex());
        assertEquals(100, log.lastIndex());
        assertThrows(CompactedIndexException.class, () -> log.entry(3));
        log.append(entries(101, 102, 3));
        log.sync();

        ChronicleRaftLog reopened = reopen(log);
        assertEquals(101, reopened.firstIndex());
        assertEquals(102, reopened.lastIndex());
        assertEquals(entry(102, 3), reopened.entry(102));
        assertEquals(100, reopened.committedIndex());
    }

    @Test
    void commitWatermarkSurvivesReopenAndNeverPassesTheEndOfTheLog() {
        ChronicleRaftLog log = open();
        log.append(entries(1, 10, 1));
        log.markCommitted(7);
        log.markCommitted(4);
        log.sync();
        log = reopen(log);
        assertEquals(7, log.committedIndex());
        log.truncateFrom(6);
        assertEquals(5, log.committedIndex());
    }

    @Test
    void compactionDeletesWholeRolledFilesBelowTheIndexButNeverTheOneHoldingIt() throws IOException {
        ChronicleRaftLog log = open();
        for (int file = 0; file < 5; file++) {
            log.append(entries(file * 10L + 1, file * 10L + 10, 1));
            clock.advanceMillis(1_000);
        }
        log.append(entries(51, 52, 1));
        log.sync();
        assertEquals(6, cycleFiles().size());

        log.compactUpTo(25);
        assertEquals(21, log.firstIndex(), "the file holding 25 (21..30) stays");
        assertEquals(4, cycleFiles().size());
        CompactedIndexException error = assertThrows(CompactedIndexException.class, () -> log.entry(20));
        assertEquals(21, error.firstIndex());
        assertEquals(entry(21, 1), log.entry(21));

        ChronicleRaftLog reopened = reopen(log);
        assertEquals(21, reopened.firstIndex());
        assertEquals(52, reopened.lastIndex());
        assertEquals(entries(21, 52, 1), reopened.entries(21, 53, Long.MAX_VALUE));
        reopened.append(entries(53, 53, 2));
        assertEquals(entry(53, 2), reopened.entry(53));
    }

    /**
     * The CONFIG entries come from the view's own index: they must be what reading every entry
     * finds, through appends, a truncation that drops one, compaction that drops another, a reopen
     * (which rebuilds the view from the records' headers) and a reset.
     */
    @Test
    void configEntriesFollowAppendsTruncationCompactionReopenAndReset() {
        ChronicleRaftLog log = open();
        for (int file = 0; file < 4; file++) {
            List<LogEntry> batch = new ArrayList<>(entries(file * 10L + 1, file * 10L + 10, 1));
            batch.set(4, config(file * 10L + 5, 1));
            log.append(batch);
            clock.advanceMillis(1_000);
        }
        log.truncateFrom(34); // drops the CONFIG entry at 35
        log.append(List.of(entry(34, 2), entry(35, 2), entry(36, 2), config(37, 2)));
        log.sync();
        assertConfigsAsScanned(log, List.of(5L, 15L, 25L, 37L));
        assertEquals(List.of(25L, 37L), indexes(log.configEntries(21)));

        log.compactUpTo(25);
        assertEquals(21, log.firstIndex());
        assertConfigsAsScanned(log, List.of(25L, 37L));

        ChronicleRaftLog reopened = reopen(log);
        assertConfigsAsScanned(reopened, List.of(25L, 37L));
        assertEquals(config(37, 2), reopened.configEntries(1).getLast());

        reopened.resetTo(100);
        reopened.append(List.of(config(100, 3), entry(101, 3)));
        assertConfigsAsScanned(reopened, List.of(100L));
    }

    private static LogEntry config(long index, long term) {
        return new LogEntry(index, term, EntryKind.CONFIG, ("members-" + index).getBytes(StandardCharsets.UTF_8));
    }

    private static List<Long> indexes(List<LogEntry> entries) {
        return entries.stream().map(LogEntry::index).toList();
    }

    private static void assertConfigsAsScanned(ChronicleRaftLog log, List<Long> expected) {
        List<LogEntry> scanned = ConfigEntryScan.configEntries(log::entries, log.firstIndex(), log.lastIndex());
        assertEquals(expected, indexes(scanned), "what reading every entry finds");
        assertEquals(scanned, log.configEntries(1));
    }

    @Test
    void compactionNeverDeletesTheFileBeingWritten() throws IOException {
        ChronicleRaftLog log = open();
        log.append(entries(1, 10, 1));
        log.compactUpTo(1_000);
        assertEquals(1, log.firstIndex());
        assertEquals(1, cycleFiles().size());
    }

    @Test
    void compactionAfterResetKeepsTheLogStartAcrossReopen() {
        ChronicleRaftLog log = open();
        log.append(entries(1, 10, 1));
        clock.advanceMillis(1_000);
        log.resetTo(501);
        log.markCommitted(500);
        clock.advanceMillis(1_000);
        log.compactUpTo(501);
        log.sync();
        log = reopen(log);
        assertEquals(501, log.firstIndex());
        assertEquals(500, log.lastIndex());
        assertEquals(500, log.committedIndex());
        log.append(entries(501, 501, 4));
        assertEquals(entry(501, 4), log.entry(501));
    }

    @Test
    void aSyncedCommitMarkSurvivesAPowerCutRightAfterCompactionDeletedTheFileHoldingIt() throws IOException {
        ChronicleRaftLog log = open();
        log.append(entries(1, 10, 1));
        log.markCommitted(10);
        log.sync();
        clock.advanceMillis(1_000);
        log.append(entries(11, 12, 1));
        log.sync();
        // Deletes the first file, which holds the only commit mark, and forces the directory.
        log.compactUpTo(11);
        assertEquals(11, log.firstIndex());
        assertEquals(1, cycleFiles().size());

        log = openAfterPowerCut(powerCutCopy(log.syncCount()));
        assertEquals(11, log.firstIndex());
        assertEquals(12, log.lastIndex());
        assertEquals(10, log.committedIndex(), "the commit mark that a completed sync made durable");
    }

    @Test
    void aLogLeftOpenIsRewrittenOnlyIfTheMachineBootedSinceItWasOpened() throws IOException {
        ChronicleRaftLog log = open();
        log.append(entries(1, 5, 1));
        log.sync();
        log.append(entries(6, 7, 1));
        Path killed = crashCopy("killed");
        Path cut = crashCopy("cut");

        // A process that died in this boot left its files to the page cache, headers and all.
        ChronicleRaftLog afterKill = open(killed);
        assertEquals(0, afterKill.openReport().filesRewritten());
        assertEquals(7, afterKill.lastIndex());
        afterKill.append(entries(8, 9, 1));
        afterKill.sync();
        afterKill = reopen(afterKill, killed);
        assertEquals(9, afterKill.lastIndex());
        assertEquals(entry(9, 1), afterKill.entry(9));

        // After another boot (a power cut, an OS crash) the headers may point past the data: rewritten.
        ChronicleRaftLog afterCut = openAfterPowerCut(cut);
        assertEquals(1, afterCut.openReport().filesRewritten());
        assertEquals(7, afterCut.lastIndex());
    }

    @Test
    void aTornLastRecordIsCutAndTheLogCarriesOn() throws IOException {
        ChronicleRaftLog log = open();
        log.append(entries(1, 4, 1));
        log.sync();
        log.append(List.of(new LogEntry(5, 1, EntryKind.COMMAND, "LAST-RECORD-TORN-BY-A-CRASH".getBytes(StandardCharsets.UTF_8))));
        Path crashed = crashCopy();
        flipByteOf(crashed, "LAST-RECORD-TORN-BY-A-CRASH", 20);

        log = open(crashed);
        assertEquals(4, log.lastIndex());
        assertEquals(1, log.openReport().tornTailsCut());
        log.append(List.of(entry(5, 2), entry(6, 2)));
        log.sync();

        log = reopen(log, crashed);
        assertEquals(0, log.openReport().tornTailsCut(), "the torn record is gone for good");
        assertEquals(entry(5, 2), log.entry(5));
        assertEquals(6, log.lastIndex());
    }

    @Test
    void aLastRecordCutShortIsCutLikeATornOne() throws IOException {
        ChronicleRaftLog log = open();
        log.append(entries(1, 3, 1));
        log.sync();
        byte[] payload = ("CUT-SHORT-" + "x".repeat(500)).getBytes(StandardCharsets.UTF_8);
        log.append(List.of(new LogEntry(4, 1, EntryKind.COMMAND, payload)));
        Path crashed = crashCopy();
        // The record's second half (and its checksum) never reached the disk: zeros, as a power cut leaves them.
        zeroFrom(crashed, "CUT-SHORT-", 250, payload.length - 250 + LogRecord.CRC_BYTES);

        log = openAfterPowerCut(crashed);
        assertEquals(3, log.lastIndex());
        assertEquals(1, log.openReport().tornTailsCut());
        assertEquals(entry(3, 1), log.entry(3));
    }

    @Test
    void aTornRecordFollowedByIntactOnesIsCutWhenNoCompletedSyncCoveredIt() throws IOException {
        ChronicleRaftLog log = open();
        log.append(entries(1, 4, 1));
        log.sync();
        log.append(List.of(new LogEntry(5, 1, EntryKind.COMMAND, "A-PAGE-THAT-NEVER-LANDED".getBytes(StandardCharsets.UTF_8))));
        log.append(entries(6, 9, 1));
        // The sync the power cut interrupts: its marker may land while a page before it does not.
        log.sync();
        Path crashed = crashCopy();
        zeroFrom(crashed, "A-PAGE-THAT-NEVER-LANDED", 0, 10);

        log = openAfterPowerCut(crashed);
        assertEquals(4, log.lastIndex(), "cut at the first torn record, though intact ones follow");
        assertEquals(1, log.openReport().tornTailsCut());
        log.append(List.of(entry(5, 2)));
        log = reopen(log, crashed);
        assertEquals(entry(5, 2), log.entry(5));
        assertEquals(5, log.lastIndex());
    }

    @Test
    void aFileWhoseTailNeverLandedIsCutThoughALaterFileDid() throws IOException {
        ChronicleRaftLog log = open();
        log.append(entries(1, 3, 1));
        log.sync();
        log.append(List.of(new LogEntry(4, 1, EntryKind.COMMAND, "A-TAIL-THAT-NEVER-LANDED".getBytes(StandardCharsets.UTF_8))));
        clock.advanceMillis(1_000);
        log.append(entries(5, 6, 1));
        Path crashed = crashCopy();
        // The power cut kept the later file's pages but none of the first file's since the sync:
        // record 4 and the end-of-file marker of the roll are zeros, so the first file ends cleanly.
        zeroToEnd(crashed, "A-TAIL-THAT-NEVER-LANDED", -LogRecord.ENTRY_HEADER_BYTES - 4);

        log = openAfterPowerCut(crashed);
        assertEquals(3, log.lastIndex(), "cut where the first file's data ends");
        assertEquals(1, log.openReport().tornTailsCut());
        log.append(List.of(entry(4, 2)));
        log = reopen(log, crashed);
        assertEquals(0, log.openReport().tornTailsCut());
        assertEquals(entry(4, 2), log.entry(4));
        assertEquals(4, log.lastIndex());
    }

    @Test
    void aFileThatNeverLandedIsCutWithAllAfterItThoughALaterFileDid() throws IOException {
        ChronicleRaftLog log = open();
        log.append(entries(1, 4, 1));
        log.sync();
        clock.advanceMillis(1_000);
        log.append(entries(5, 6, 1));
        clock.advanceMillis(1_000);
        log.append(entries(7, 8, 1));
        Path crashed = crashCopy();
        // The power cut kept the third file but not the second, created since the sync, at all.
        Files.delete(cycleFiles(crashed).stream().sorted().toList().get(1));

        log = openAfterPowerCut(crashed);
        assertEquals(4, log.lastIndex(), "cut where the gap starts");
        assertEquals(1, log.openReport().tornTailsCut());
        log.append(List.of(entry(5, 2)));
        log = reopen(log, crashed);
        assertEquals(0, log.openReport().tornTailsCut());
        assertEquals(entry(5, 2), log.entry(5));
        assertEquals(5, log.lastIndex());
    }

    @Test
    void aGarbledLastRecordThatACompletedSyncCoveredIsRefused() throws IOException {
        ChronicleRaftLog log = open();
        log.append(entries(1, 4, 1));
        log.append(List.of(new LogEntry(5, 1, EntryKind.COMMAND, "SYNCED-AND-ACKNOWLEDGED".getBytes(StandardCharsets.UTF_8))));
        log.sync();
        log.close();
        flipByteOf(dir.resolve("log"), "SYNCED-AND-ACKNOWLEDGED", 3);

        CorruptStorageException error = assertThrows(CorruptStorageException.class, this::open);
        assertTrue(error.getMessage().contains("after Raft index 4"), error.getMessage());
    }

    @Test
    void aCorruptRecordInTheMiddleStopsTheOpenWithOneLineNamingFileAndIndex() throws IOException {
        ChronicleRaftLog log = open();
        log.append(entries(1, 4, 1));
        log.append(List.of(new LogEntry(5, 1, EntryKind.COMMAND, "A-RECORD-IN-THE-MIDDLE".getBytes(StandardCharsets.UTF_8))));
        log.append(entries(6, 9, 1));
        log.sync();
        log.close();
        flipByteOf(dir.resolve("log"), "A-RECORD-IN-THE-MIDDLE", 3);

        CorruptStorageException error = assertThrows(CorruptStorageException.class, this::open);
        assertTrue(error.getMessage().contains(".cq4"), error.getMessage());
        assertTrue(error.getMessage().contains("after Raft index 4"), error.getMessage());
        assertTrue(!error.getMessage().contains("\n"), "one line");
    }

    @Test
    void syncWithFsyncNeverLeavesFlushingToTheOperatingSystem() {
        ChronicleRaftLog log = ChronicleRaftLog.open(dir.resolve("never"),
                new LogConfig(FsyncPolicy.NEVER, TestRollCycles.TEST_SECONDLY, clock));
        opened.add(log);
        log.append(entries(1, 3, 1));
        log.sync();
        log.close();
        ChronicleRaftLog reopened = ChronicleRaftLog.open(dir.resolve("never"),
                new LogConfig(FsyncPolicy.NEVER, TestRollCycles.TEST_SECONDLY, clock));
        opened.add(reopened);
        assertEquals(3, reopened.lastIndex());
    }

    private List<Path> cycleFiles() throws IOException {
        return cycleFiles(dir.resolve("log"));
    }

    private static List<Path> cycleFiles(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.toString().endsWith(".cq4")).toList();
        }
    }

    /** Flips one byte, {@code offset} bytes into the first occurrence of {@code marker} in a log file. */
    private static void flipByteOf(Path directory, String marker, int offset) throws IOException {
        byte[] needle = marker.getBytes(StandardCharsets.UTF_8);
        for (Path file : cycleFiles(directory)) {
            byte[] content = Files.readAllBytes(file);
            int at = indexOf(content, needle);
            if (at >= 0) {
                content[at + offset] ^= 0x20;
                Files.write(file, content);
                return;
            }
        }
        throw new AssertionError("marker " + marker + " not found in the log files");
    }

    private static void zeroFrom(Path directory, String marker, int offset, int length) throws IOException {
        byte[] needle = marker.getBytes(StandardCharsets.UTF_8);
        for (Path file : cycleFiles(directory)) {
            byte[] content = Files.readAllBytes(file);
            int at = indexOf(content, needle);
            if (at >= 0) {
                Arrays.fill(content, at + offset, at + offset + length, (byte) 0);
                Files.write(file, content);
                return;
            }
        }
        throw new AssertionError("marker " + marker + " not found in the log files");
    }

    /** Zeros the first file holding {@code marker} from {@code offset} bytes into it to the file's end. */
    private static void zeroToEnd(Path directory, String marker, int offset) throws IOException {
        byte[] needle = marker.getBytes(StandardCharsets.UTF_8);
        for (Path file : cycleFiles(directory)) {
            byte[] content = Files.readAllBytes(file);
            int at = indexOf(content, needle);
            if (at >= 0) {
                Arrays.fill(content, at + offset, content.length, (byte) 0);
                Files.write(file, content);
                return;
            }
        }
        throw new AssertionError("marker " + marker + " not found in the log files");
    }

    /** Latin-1 maps each byte to one char, so the JDK's string search finds byte sequences. */
    private static int indexOf(byte[] haystack, byte[] needle) {
        return new String(haystack, StandardCharsets.ISO_8859_1).indexOf(new String(needle, StandardCharsets.ISO_8859_1));
    }
}
