package io.tern.engine.log;

import io.tern.raft.types.CompactedIndexException;
import io.tern.raft.types.EntryKind;
import io.tern.raft.types.LogEntry;
import io.tern.engine.CorruptStorageException;
import io.tern.engine.FsyncPolicy;
import io.tern.engine.StorageException;
import io.tern.engine.io.DurableFiles;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.HashSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The Raft log on a Chronicle Queue.
 *
 * <p>Chronicle only appends, so everything that changes the log is itself an appended record (see
 * {@link LogRecord}) and the live view, a map from Raft index to queue position, is rebuilt by
 * replaying every record on open. Compaction deletes whole rolled files.
 *
 * <p>Chronicle writes to memory-mapped files and never forces them, so with {@link FsyncPolicy#ALWAYS}
 * {@link #sync()} forces each file written since the last sync, and the directory when a file was
 * created. Each sync first writes a {@code SYNC} marker, and {@link #close()} ends the log with a
 * forced {@code CLOSE}: both are what lets an open tell a power cut from corruption.
 *
 * <p>A power cut may leave whatever was written after the last completed sync missing, zeroed or
 * torn, page by page in any order, and Chronicle's own header and index (which it trusts) pointing
 * past it. So the open reads the files itself first ({@link LogScan}). The first place that is not
 * an intact record is a torn tail unless two sync proofs follow it: the files are then cut there and
 * the open goes on. With two, a sync that covered it completed: that is corruption, and the open
 * stops with one line. After any stop but a clean close, the files written since the last proven
 * sync are rewritten as Chronicle would write them ({@link CycleFileRewriter}), so that what is
 * appended next lands where the next open reads.
 *
 * <p>All public methods are synchronized: Chronicle's appenders and tailers are not thread-safe,
 * and one writer with occasional readers does not contend.
 */
public final class ChronicleRaftLog implements RaftLog {

    private static final Logger log = LoggerFactory.getLogger(ChronicleRaftLog.class);
    /** Chronicle refuses excerpts over a quarter of its block: room for a 4 MiB value and more. */
    private static final long BLOCK_SIZE = 64L << 20;
    /** How often, in bytes of a cycle file written, the mappings of the file are advised again (see {@link MappingAdvisor}). */
    private static final long ADVICE_REGION_BYTES = 4L << 20;
    /** A crash mid-write leaves an unfinished Chronicle header; we are the only writer, so recover it fast. */
    private static final long HEADER_RECOVERY_TIMEOUT_MS = 500;
    /**
     * Free space an append leaves at least, beyond its own bytes: room for Chronicle's headers and
     * index pages and a new cycle file. Chronicle writes through memory-mapped files, and a mapped
     * write that finds the disk full is a SIGBUS, not an IOException: the JVM turns it into an
     * InternalError at best and dies at worst. Checking the free space first turns a full disk into
     * a StorageException that names it.
     */
    static final long MIN_FREE_BYTES_AFTER_APPEND = 1L << 20;
    /** What a record adds to its payload: Chronicle's header, our record header and checksum, with slack. */
    private static final long RECORD_OVERHEAD_BYTES = 64;

    private final Path directory;
    private final FileStore fileStore;
    private final FsyncPolicy fsync;
    private final SingleChronicleQueue queue;
    private final ExcerptAppender appender;
    private final ExcerptTailer tailer;
    private final PositionIndex positions = new PositionIndex(1);
    /** The highest Raft index ever written into each cycle file: what decides if compaction may delete it. */
    private final NavigableMap<Integer, Long> highestIndexByCycle = new TreeMap<>();
    private final CycleFiles cycleFiles;
    /** Cycles that have a file; a write into a new one means the directory must be forced too. */
    private final TreeSet<Integer> knownCycles;
    private final Set<Integer> cyclesCreatedSinceSync = new HashSet<>();
    private final Map<Integer, FileChannel> channelsByCycle = new HashMap<>();
    private final Set<Integer> cyclesWrittenSinceSync = new HashSet<>();
    private ByteBuffer writeBuffer = ByteBuffer.allocate(4096);
    private final MappingAdvisor mappingAdvisor = new MappingAdvisor();
    /** The cycle and region of it last written to whose mappings were advised. */
    private long advisedRegion = -1;
    private byte[] recordBytes = new byte[4096];
    private final LogRecord.Decoder decoder = new LogRecord.Decoder();
    private long committedWatermark;
    private long syncCount;
    /** Syncs run one at a time, so that a sync marker proves the sync before it completed. */
    private final Object syncOrder = new Object();
    private long syncNumber;
    /** Why a force failed: nothing written since may be claimed durable, so no sync runs again. */
    private String failedSync;
    private final OpenReport openReport;
    private boolean closed;

    /**
     * What opening the log found.
     *
     * @param tornTailsCut   1 if the log ended in a tail that a crash had torn, which was cut off
     * @param filesRewritten the files rewritten because a power cut may have left their headers
     *                       pointing past their data (an unclean stop in another boot), or cut at a tear
     */
    public record OpenReport(long recordsRead, long tornTailsCut, int filesRewritten, long firstIndex, long lastIndex,
                             long committedIndex, Duration took) {
    }

    private record Repair(long tornTailsCut, int filesRewritten) {
    }

    private ChronicleRaftLog(Path directory, LogConfig config) {
        this.directory = directory;
        this.fileStore = fileStoreOf(directory);
        this.fsync = config.fsync();
        long started = System.nanoTime();
        this.cycleFiles = new CycleFiles(directory, config.rollCycle());
        CycleFileRewriter rewriter = new CycleFileRewriter(directory, cycleFiles, config.rollCycle(), BLOCK_SIZE);
        rewriter.removeLeftovers();
        boolean pageCacheKept = MachineBoot.lastOpenedIn(directory, config.boot());
        LogScan.Result scan = replayAllRecords(pageCacheKept);
        Repair repair = repair(scan, rewriter, pageCacheKept);
        this.knownCycles = cycleFiles.existingCycles();
        this.syncNumber = scan.lastSyncNumber();
        this.queue = SingleChronicleQueueBuilder.single(directory.toFile())
                .rollCycle(config.rollCycle())
                .timeProvider(config.clock())
                .blockSize(BLOCK_SIZE)
                .timeoutMS(HEADER_RECOVERY_TIMEOUT_MS)
                .build();
        this.appender = queue.createAppender();
        this.tailer = queue.createTailer();
        appender.singleThreadedCheckDisabled(true);
        tailer.singleThreadedCheckDisabled(true);
        try {
            checkChronicleReadsWhatWasReplayed();
        } catch (RuntimeException e) {
            releaseResources();
            throw e;
        }
        MachineBoot.record(directory, config.boot());
        this.openReport = new OpenReport(scan.recordsRead(), repair.tornTailsCut(), repair.filesRewritten(), firstIndex(),
                lastIndex(), committedIndex(), Duration.ofNanos(System.nanoTime() - started));
    }

    /**
     * Opens (creating if needed) the log in {@code directory}, repairs a tail that a crash tore,
     * and rebuilds its view.
     *
     * @throws CorruptStorageException if a record cannot be read and a completed sync had covered it
     */
    public static ChronicleRaftLog open(Path directory, LogConfig config) {
        try {
            boolean created = !Files.exists(directory);
            Files.createDirectories(directory);
            if (created) {
                DurableFiles.fsyncDirectory(directory.toAbsolutePath().getParent());
            }
        } catch (IOException e) {
            throw new StorageException("cannot create the log directory " + directory + ": " + e.getMessage(), e);
        }
        return new ChronicleRaftLog(directory, config);
    }

    public OpenReport openReport() {
        return openReport;
    }

    // ---------------------------------------------------------------- reads

    @Override
    public synchronized long firstIndex() {
        return positions.firstIndex();
    }

    @Override
    public synchronized long lastIndex() {
        return positions.lastIndex();
    }

    @Override
    public synchronized LogEntry entry(long index) {
        checkReadable(index);
        return readEntryAt(index);
    }

    /** Reads only the CONFIG entries, which the view knows from the records' kinds. */
    @Override
    public synchronized List<LogEntry> configEntries(long fromIndex) {
        checkOpen();
        List<LogEntry> configs = new ArrayList<>();
        for (long index : positions.configIndexesFrom(fromIndex)) {
            configs.add(readEntryAt(index));
        }
        return configs;
    }

    /** From memory: reading the entry would copy and checksum its whole payload. */
    @Override
    public synchronized long term(long index) {
        checkReadable(index);
        return positions.term(index);
    }

    @Override
    public synchronized List<LogEntry> entries(long fromIndex, long toIndex, long maxBytes) {
        List<LogEntry> result = new ArrayList<>();
        if (fromIndex >= toIndex) {
            return result;
        }
        checkReadable(fromIndex);
        if (toIndex - 1 > lastIndex()) {
            throw new IndexOutOfBoundsException("log index " + (toIndex - 1) + " is past the last index " + lastIndex());
        }
        long bytes = 0;
        for (long index = fromIndex; index < toIndex; index++) {
            LogEntry entry = readEntryAt(index);
            bytes += entry.payload().length;
            if (!result.isEmpty() && bytes > maxBytes) {
                break;
            }
            result.add(entry);
        }
        return result;
    }

    @Override
    public synchronized long syncCount() {
        return syncCount;
    }

    @Override
    public synchronized long committedIndex() {
        return Math.min(committedWatermark, lastIndex());
    }

    private void checkReadable(long index) {
        checkOpen();
        if (index < positions.firstIndex()) {
            throw new CompactedIndexException(index, positions.firstIndex());
        }
        if (index > positions.lastIndex()) {
            throw new IndexOutOfBoundsException("log index " + index + " is past the last index " + positions.lastIndex());
        }
    }

    private LogEntry readEntryAt(long index) {
        long queueIndex = positions.position(index);
        if (tailer.index() != queueIndex && !tailer.moveToIndex(queueIndex)) {
            throw new StorageException("log index " + index + " points at queue index " + Long.toHexString(queueIndex)
                    + " which Chronicle cannot find in " + directory);
        }
        try (DocumentContext document = tailer.readingDocument()) {
            if (!document.isPresent()) {
                throw new StorageException("log index " + index + " is missing from " + directory);
            }
            LogRecord record = decode(document);
            if (record instanceof LogRecord.Entry(LogEntry entry) && entry.index() == index) {
                return entry;
            }
            throw new CorruptStorageException("corrupt write-ahead log: " + describe(queueIndex)
                    + " should hold Raft index " + index + " but fails its checksum");
        }
    }

    // ---------------------------------------------------------------- writes

    @Override
    public synchronized void append(List<LogEntry> entries) {
        checkOpen();
        long expected = lastIndex() + 1;
        for (LogEntry entry : entries) {
            if (entry.index() != expected) {
                throw new IllegalArgumentException("cannot append Raft index " + entry.index()
                        + ": the next index of this log is " + expected);
            }
            expected++;
        }
        long bytes = 0;
        for (LogEntry entry : entries) {
            bytes += entry.payload().length + RECORD_OVERHEAD_BYTES;
        }
        requireFreeSpace(bytes, "an append");
        for (LogEntry entry : entries) {
            writeWithRoomChecked(new LogRecord.Entry(entry));
        }
    }

    /**
     * Fails, writing nothing, if {@code bytes} would leave less than {@link #MIN_FREE_BYTES_AFTER_APPEND}
     * free. Every record goes through it, not only appends: a commit mark on a full disk is as much a
     * SIGBUS as an entry.
     */
    private void requireFreeSpace(long bytes, String what) {
        if (fileStore == null) {
            return;
        }
        long free;
        try {
            free = fileStore.getUsableSpace();
        } catch (IOException e) {
            return; // the write itself will report what is wrong
        }
        if (free < bytes + MIN_FREE_BYTES_AFTER_APPEND) {
            throw new StorageException("no space left on device for the write-ahead log in " + directory + ": "
                    + free + " bytes free, " + what + " of " + bytes + " bytes needs " + (bytes + MIN_FREE_BYTES_AFTER_APPEND));
        }
    }

    private static FileStore fileStoreOf(Path directory) {
        try {
            return Files.getFileStore(directory);
        } catch (IOException e) {
            log.warn("cannot watch the free space of {}: {}", directory, e.toString());
            return null;
        }
    }

    @Override
    public synchronized void truncateFrom(long index) {
        checkOpen();
        if (index > lastIndex()) {
            return;
        }
        if (index < firstIndex()) {
            throw new CompactedIndexException(index, firstIndex());
        }
        write(new LogRecord.Truncate(index));
    }

    @Override
    public synchronized void resetTo(long nextIndex) {
        checkOpen();
        if (nextIndex < 1) {
            throw new IllegalArgumentException("the next index must be positive, was " + nextIndex);
        }
        write(new LogRecord.Reset(nextIndex));
    }

    @Override
    public synchronized void markCommitted(long index) {
        checkOpen();
        if (index > committedWatermark) {
            write(new LogRecord.Commit(index));
        }
    }

    /**
     * Appends one record, if there is room for it (see {@link #requireFreeSpace}), and applies it to
     * the live view exactly as replay on open would.
     */
    private void write(LogRecord record) {
        writeBuffer = LogRecord.encode(record, writeBuffer);
        requireFreeSpace(writeBuffer.position() + RECORD_OVERHEAD_BYTES, whatItIs(record));
        writeEncoded(record);
    }

    private static String whatItIs(LogRecord record) {
        return switch (record) {
            case LogRecord.Entry ignored -> "an append";
            case LogRecord.EntryHeader ignored -> "an append";
            case LogRecord.Truncate ignored -> "a truncation";
            case LogRecord.Reset ignored -> "a reset";
            case LogRecord.Commit ignored -> "a commit mark";
            case LogRecord.Void ignored -> "voiding a torn record";
            case LogRecord.Sync ignored -> "a sync marker";
            case LogRecord.Close ignored -> "a close marker";
        };
    }

    /** As {@link #write}, for a record whose room the caller has checked already. */
    private void writeWithRoomChecked(LogRecord record) {
        writeBuffer = LogRecord.encode(record, writeBuffer);
        writeEncoded(record);
    }

    /** Writes {@code record}, already encoded in {@link #writeBuffer}. */
    private void writeEncoded(LogRecord record) {
        long end;
        try (DocumentContext document = appender.writingDocument()) {
            document.wire().bytes().write(writeBuffer.array(), 0, writeBuffer.position());
            end = document.wire().bytes().writePosition();
        }
        long queueIndex = appender.lastIndexAppended();
        int cycle = cycleFiles.cycleOf(queueIndex);
        adviseNewMappings(cycle, end);
        cyclesWrittenSinceSync.add(cycle);
        if (knownCycles.add(cycle)) {
            cyclesCreatedSinceSync.add(cycle);
            // Rolling wrote Chronicle's end-of-file marker into the previous file: force it too.
            Integer previous = knownCycles.lower(cycle);
            if (previous != null) {
                cyclesWrittenSinceSync.add(previous);
            }
        }
        applyToView(record, queueIndex);
    }

    /**
     * Has the mappings of the cycle file advised (off this thread: it reads {@code /proc/self/maps}) each
     * time the writer enters a new region of it, so that a chunk Chronicle maps is advised before much
     * is written through it.
     */
    private void adviseNewMappings(int cycle, long position) {
        long region = ((long) cycle << 32) | (position / ADVICE_REGION_BYTES);
        if (region != advisedRegion) {
            advisedRegion = region;
            Path file = cycleFiles.fileFor(cycle);
            Thread.ofVirtual().name("tern-log-advice").start(() -> mappingAdvisor.adviseMappingsOf(file));
        }
    }

    /**
     * Writes a {@code SYNC} marker, then forces every cycle file written since the last sync, and the
     * directory if a file is new. Whatever precedes the marker is what the force covers.
     *
     * <p>The forcing itself runs outside this log's monitor: an fsync takes milliseconds under load,
     * and holding the monitor through it stalled the Raft loop (reading terms and entries to send)
     * and the applier (marking commits) for as long. Whatever is written while it forces is
     * remembered for the next sync; syncs themselves run one at a time.
     */
    @Override
    public void sync() {
        synchronized (syncOrder) {
            Unforced unforced;
            synchronized (this) {
                checkOpen();
                checkNoSyncFailed();
                if (cyclesWrittenSinceSync.isEmpty()) {
                    return;
                }
                if (fsync == FsyncPolicy.ALWAYS) {
                    write(new LogRecord.Sync(++syncNumber));
                    syncCount++;
                }
                unforced = takeUnforced();
            }
            force(unforced);
        }
    }

    /** The files written since the last sync, and whether one of them is new. */
    private record Unforced(Map<Integer, FileChannel> channels, boolean newFiles) {
    }

    /** Takes the files written since the last sync, to be forced; none with {@link FsyncPolicy#NEVER}. */
    private Unforced takeUnforced() {
        Map<Integer, FileChannel> channels = new TreeMap<>();
        if (fsync == FsyncPolicy.ALWAYS) {
            try {
                for (int cycle : cyclesWrittenSinceSync) {
                    channels.put(cycle, channelFor(cycle));
                }
            } catch (IOException e) {
                throw new StorageException("cannot open the write-ahead log in " + directory + " to force it: "
                        + e.getMessage(), e);
            }
        }
        Unforced unforced = new Unforced(channels, fsync == FsyncPolicy.ALWAYS && !cyclesCreatedSinceSync.isEmpty());
        cyclesWrittenSinceSync.clear();
        cyclesCreatedSinceSync.clear();
        return unforced;
    }

    private void force(Unforced unforced) {
        try {
            for (Map.Entry<Integer, FileChannel> cycle : unforced.channels().entrySet()) {
                try {
                    cycle.getValue().force(false);
                } catch (ClosedChannelException e) {
                    if (!compactedAway(cycle.getKey())) {
                        throw e;
                    }
                    // Compaction deleted the file meanwhile: everything in it was below a snapshot.
                }
            }
            if (unforced.newFiles()) {
                DurableFiles.fsyncDirectory(directory);
            }
        } catch (IOException e) {
            synchronized (this) {
                failedSync = e.toString();
            }
            throw new StorageException("cannot force the write-ahead log in " + directory + " to disk: " + e.getMessage(), e);
        }
    }

    private void checkNoSyncFailed() {
        if (failedSync != null) {
            throw new StorageException("an earlier sync of the write-ahead log in " + directory + " failed ("
                    + failedSync + "): nothing written since can be made durable");
        }
    }

    private void forceDirectory() {
        try {
            DurableFiles.fsyncDirectory(directory);
        } catch (IOException e) {
            throw new StorageException("cannot force the log directory " + directory + " to disk: " + e.getMessage(), e);
        }
    }

    private synchronized boolean compactedAway(int cycle) {
        return !knownCycles.contains(cycle);
    }

    private FileChannel channelFor(int cycle) throws IOException {
        FileChannel channel = channelsByCycle.get(cycle);
        if (channel == null) {
            channel = FileChannel.open(cycleFiles.fileFor(cycle), StandardOpenOption.READ);
            channelsByCycle.put(cycle, channel);
        }
        return channel;
    }

    /**
     * Deletes the rolled files below {@code index}. The files deleted may hold the only reset and
     * commit records, so those are restated first, and synced before any file goes: the deletions
     * are forced one by one, and a power cut after one of them must still find the commit mark and
     * the log's start that a completed sync had made durable.
     */
    @Override
    public void compactUpTo(long index) {
        synchronized (syncOrder) {
            List<Integer> deletable;
            synchronized (this) {
                checkOpen();
                deletable = cyclesDeletableBelow(index);
                if (deletable.isEmpty()) {
                    return;
                }
                restateWhatOnlyTheseFilesMayHold(deletable);
            }
            sync();
            synchronized (this) {
                for (int cycle : deletable) {
                    deleteCycleFile(cycle);
                    if (fsync == FsyncPolicy.ALWAYS) {
                        // Oldest first, each deletion durable before the next: whatever a power cut keeps
                        // of them, the files left still form the end of the log, with no gap.
                        forceDirectory();
                    }
                }
                queue.refreshDirectoryListing();
                dropPositionsInDeletedFiles();
            }
            log.debug("compacted the log up to {}: deleted {} file(s), first index now {}", index, deletable.size(), firstIndex());
        }
    }

    /** The oldest rolled files all of whose entries lie below {@code index}; never the one being written. */
    private List<Integer> cyclesDeletableBelow(long index) {
        int writingCycle = appender.cycle();
        List<Integer> deletable = new ArrayList<>();
        for (int cycle : knownCycles) {
            Long highest = highestIndexByCycle.get(cycle);
            if (cycle >= writingCycle || (highest != null && highest >= index)) {
                break;
            }
            deletable.add(cycle);
        }
        return deletable;
    }

    /**
     * Writes the reset that the log's start needs once the {@code deletable} files are gone (if no
     * live entry lies outside them), and the commit mark, into the file being written.
     */
    private void restateWhatOnlyTheseFilesMayHold(List<Integer> deletable) {
        long first = positions.firstIndex();
        long last = positions.lastIndex();
        if (last < first || deletable.contains(cycleFiles.cycleOf(positions.position(last)))) {
            write(new LogRecord.Reset(last + 1));
        }
        if (committedWatermark > 0) {
            write(new LogRecord.Commit(committedWatermark));
        }
    }

    private void deleteCycleFile(int cycle) {
        try {
            FileChannel channel = channelsByCycle.remove(cycle);
            if (channel != null) {
                channel.close();
            }
            knownCycles.remove(cycle);
            Files.deleteIfExists(cycleFiles.fileFor(cycle));
            highestIndexByCycle.remove(cycle);
            cyclesWrittenSinceSync.remove(cycle);
        } catch (IOException e) {
            throw new StorageException("cannot delete a compacted log file in " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Live positions are ordered, so the ones in deleted files form a prefix. */
    private void dropPositionsInDeletedFiles() {
        long first = positions.firstIndex();
        long last = positions.lastIndex();
        long newFirst = first;
        while (newFirst <= last && !knownCycles.contains(cycleFiles.cycleOf(positions.position(newFirst)))) {
            newFirst++;
        }
        positions.dropBefore(newFirst);
    }

    // ---------------------------------------------------------------- replay

    /**
     * Rebuilds the live view from every intact record, read from the files (Chronicle is not open
     * yet); stops the open if what is unreadable is corruption rather than a torn tail.
     */
    private LogScan.Result replayAllRecords(boolean pageCacheKept) {
        boolean[] seenBase = {false};
        LogScan.Result scan;
        try {
            scan = LogScan.scan(cycleFiles, List.copyOf(cycleFiles.existingCycles()), BLOCK_SIZE, pageCacheKept, (record, queueIndex) -> {
                if (!seenBase[0]) {
                    // After compaction the oldest file may start anywhere: its first entry or
                    // truncation says where the log begins.
                    switch (record) {
                        case LogRecord.EntryHeader header -> positions.reset(header.index());
                        case LogRecord.Truncate(long fromIndex) -> positions.reset(fromIndex);
                        default -> { }
                    }
                    seenBase[0] = record instanceof LogRecord.EntryHeader || record instanceof LogRecord.Truncate
                            || record instanceof LogRecord.Reset;
                }
                String gap = gapBefore(record);
                if (gap == null) {
                    applyToView(record, queueIndex);
                }
                return gap;
            });
        } catch (IllegalStateException e) {
            throw new CorruptStorageException("corrupt write-ahead log in " + directory + ": " + e.getMessage());
        }
        LogScan.Tear tear = scan.tear();
        if (tear != null && tear.isCorruption()) {
            throw new CorruptStorageException("corrupt write-ahead log: " + cycleFiles.fileFor(tear.cycle())
                    + " holds " + tear.reason() + " at byte " + tear.position() + ", after Raft index "
                    + positions.lastIndex() + ", and syncs that completed after it was written follow it:"
                    + " this is damage to data on disk, not a tail torn by a crash");
        }
        return scan;
    }

    /**
     * Cuts the files at a torn tail, and after an unclean stop that lost the page cache (a log last
     * opened in another boot: {@link MachineBoot}) rewrites the files written since the last proven
     * sync (Chronicle's header and index in them may point past their data). Returns the number of
     * torn tails cut and the files rewritten.
     */
    private Repair repair(LogScan.Result scan, CycleFileRewriter rewriter, boolean pageCacheKept) {
        List<Integer> cycles = List.copyOf(cycleFiles.existingCycles());
        LogScan.Tear tear = scan.tear();
        boolean uncleanStop = fsync == FsyncPolicy.ALWAYS && !scan.endsClosed() && !cycles.isEmpty();
        // Only a lost page cache (a power cut, an OS crash: another boot) can leave headers that point
        // past their data; a process that died left them as written.
        boolean uncertainHeaders = uncleanStop && !pageCacheKept;
        if (cycles.isEmpty() || tear == null && !uncertainHeaders) {
            if (uncleanStop) {
                log.info("the write-ahead log in {} was not closed cleanly, but in this boot of the machine: its files "
                        + "stand as the stopped process wrote them", directory);
            }
            return new Repair(0, 0);
        }
        int first = tear != null ? tear.cycle() : cycles.getLast();
        if (uncertainHeaders) {
            first = Math.min(first, scan.provenCycle() >= 0 ? scan.provenCycle() : cycles.getFirst());
        }
        int last = tear != null ? tear.cycle() : cycles.getLast();
        List<CycleFileRewriter.Rewrite> rewrites = new ArrayList<>();
        List<Integer> deletions = new ArrayList<>();
        for (int cycle : cycles) {
            if (cycle > last) {
                deletions.add(cycle);
            } else if (cycle >= first) {
                rewrites.add(new CycleFileRewriter.Rewrite(cycle,
                        tear != null && cycle == tear.cycle() ? tear.position() : Long.MAX_VALUE));
            }
        }
        if (tear != null) {
            log.warn("the write-ahead log was torn by a crash: {} holds {} at byte {}, after Raft index {}; "
                            + "it is cut there{}", cycleFiles.fileFor(tear.cycle()), tear.reason(), tear.position(),
                    positions.lastIndex(), deletions.isEmpty() ? "" : " and the " + deletions.size() + " later file(s) dropped");
        } else {
            log.info("the write-ahead log in {} was not closed cleanly: rewriting the {} file(s) written since its last proven sync",
                    directory, rewrites.size());
        }
        rewriter.rewrite(rewrites, deletions);
        return new Repair(tear != null ? 1 : 0, rewrites.size());
    }

    /** Chronicle must find the replayed entries where the files said they are. */
    private void checkChronicleReadsWhatWasReplayed() {
        if (positions.lastIndex() >= positions.firstIndex()) {
            readEntryAt(positions.firstIndex());
            readEntryAt(positions.lastIndex());
        }
    }

    /** Why {@code record} cannot follow the log as it is (an entry that leaves a gap or overlaps), or null. */
    private String gapBefore(LogRecord record) {
        long index = switch (record) {
            case LogRecord.Entry(LogEntry entry) -> entry.index();
            case LogRecord.EntryHeader header -> header.index();
            default -> positions.lastIndex() + 1;
        };
        if (index != positions.lastIndex() + 1) {
            return "Raft index " + index + " where " + (positions.lastIndex() + 1) + " belongs";
        }
        return null;
    }

    private void applyToView(LogRecord record, long queueIndex) {
        String gap = gapBefore(record);
        if (gap != null) {
            throw new CorruptStorageException("corrupt write-ahead log: " + describe(queueIndex) + " holds " + gap);
        }
        switch (record) {
            case LogRecord.Entry(LogEntry entry) -> addToView(entry.index(), entry.term(), entry.kind(), queueIndex);
            case LogRecord.EntryHeader(long index, long term, EntryKind kind) -> addToView(index, term, kind, queueIndex);
            case LogRecord.Truncate(long fromIndex) -> {
                positions.truncateFrom(fromIndex);
                committedWatermark = Math.min(committedWatermark, fromIndex - 1);
            }
            case LogRecord.Reset(long nextIndex) -> {
                positions.reset(nextIndex);
                // A reset follows a snapshot that covers everything below it: all of that is committed.
                committedWatermark = nextIndex - 1;
            }
            case LogRecord.Commit(long index) -> committedWatermark = Math.max(committedWatermark, index);
            case LogRecord.Void ignored -> {
            }
            case LogRecord.Sync ignored -> {
            }
            case LogRecord.Close ignored -> {
            }
        }
    }

    private void addToView(long index, long term, EntryKind kind, long queueIndex) {
        positions.add(index, queueIndex, term, kind == EntryKind.CONFIG);
        highestIndexByCycle.merge(cycleFiles.cycleOf(queueIndex), index, Math::max);
    }

    private LogRecord decode(DocumentContext document) {
        Bytes<?> bytes = document.wire().bytes();
        int length = (int) bytes.readRemaining();
        if (recordBytes.length < length) {
            recordBytes = new byte[Math.max(length, recordBytes.length * 2)];
        }
        bytes.read(recordBytes, 0, length);
        return decoder.decodeOrNull(recordBytes, 0, length, true);
    }

    private String describe(long queueIndex) {
        return "the record at queue index " + Long.toHexString(queueIndex) + " in "
                + cycleFiles.fileFor(cycleFiles.cycleOf(queueIndex));
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the log in " + directory + " is closed");
        }
    }

    /**
     * Syncs, then ends the log with a {@code CLOSE} record, forced: the next open then knows that
     * nothing was written after it, and that the last sync completed.
     */
    @Override
    public void close() {
        synchronized (syncOrder) {
            boolean syncFailed;
            synchronized (this) {
                if (closed) {
                    return;
                }
                syncFailed = failedSync != null;
            }
            try {
                if (!syncFailed) {
                    markClosedCleanly();
                }
            } finally {
                synchronized (this) {
                    closed = true;
                    releaseResources();
                }
            }
        }
    }

    private void markClosedCleanly() {
        sync();
        Unforced unforced;
        synchronized (this) {
            write(new LogRecord.Close(fsync == FsyncPolicy.ALWAYS));
            unforced = takeUnforced();
        }
        force(unforced);
    }

    private void releaseResources() {
        try {
            for (FileChannel channel : channelsByCycle.values()) {
                channel.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            channelsByCycle.clear();
            tailer.close();
            appender.close();
            queue.close();
        }
    }
}
