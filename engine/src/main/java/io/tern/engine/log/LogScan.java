package io.tern.engine.log;

import io.tern.engine.StorageException;

import java.io.IOException;
import java.util.List;

/**
 * Reads every record of a log's cycle files in order, straight from their bytes, hands each intact
 * one on, and stops at the first place a crash or a bad disk left something else: a tear.
 *
 * <p>Whether a tear is a tail that a power cut left unfinished or corruption of data already on
 * disk is told by the sync proofs after it (see {@link LogRecord#provesEarlierSyncCompleted}): a
 * sync marker is written as a sync starts forcing, and only after the previous sync returned. So
 * two intact proofs after a tear mean a sync that covered it completed: that is corruption. Fewer
 * mean that the last sync that covered it may not have completed, and a power cut may tear what
 * such a sync had not yet forced. (A bad disk that damages what the very last sync forced looks
 * the same, and is cut like a torn tail: telling them apart would take a second fsync per sync.)
 *
 * <p>A record that is intact but cannot follow the ones before (an entry past a gap) is a tear too:
 * a power cut may keep a later file's pages, or its very name, and lose an earlier file written
 * since the last sync, whole.
 *
 * <p>Records written by earlier versions stay readable: a torn record followed by a {@code VOID}
 * naming it is skipped, as that version repaired it.
 */
final class LogScan {

    /** Receives each intact record, in log order. */
    interface RecordSink {
        /**
         * Takes the record, or returns why it cannot follow the ones before (an entry that does not
         * continue the log): then the scan stops there, as at a tear.
         */
        String accept(LogRecord record, long queueIndex);
    }

    /**
     * Where the intact records end before the end of the log: the file and position of the first
     * thing that is not one, why, and how many sync proofs lie after it.
     */
    record Tear(int cycle, long position, String reason, int syncProofsAfter) {

        boolean isCorruption() {
            return syncProofsAfter >= 2;
        }
    }

    /**
     * @param recordsRead    intact records handed on
     * @param tear           where the log is torn, or null
     * @param provenCycle    the file of the second to last sync proof before the tear, or -1 if
     *                       there are fewer than two: what lies before that proof is on disk
     * @param endsClosed     whether the last intact record is a {@code CLOSE}: the log was closed
     *                       cleanly and nothing was written after
     * @param lastSyncNumber the number of the last sync marker, 0 if none
     */
    record Result(long recordsRead, Tear tear, int provenCycle, boolean endsClosed, long lastSyncNumber) {
    }

    private final CycleFiles cycleFiles;
    private final long maxDocumentBytes;
    private final boolean pageCacheKept;
    private final RecordSink sink;
    private final LogRecord.Decoder decoder = new LogRecord.Decoder();

    private long recordsRead;
    private final int[] lastTwoProofCycles = {-1, -1};
    private boolean endsClosed;
    private long lastSyncNumber;
    /** A record that failed its checksum, waiting to see whether a VOID of an earlier version follows. */
    private Suspect suspect;

    /** Where a tear is, and where in its file a search for sync proofs after it starts. */
    private record Suspect(long queueIndex, int cycle, long position, String reason, long searchFrom) {
    }

    private LogScan(CycleFiles cycleFiles, long maxDocumentBytes, boolean pageCacheKept, RecordSink sink) {
        this.cycleFiles = cycleFiles;
        this.maxDocumentBytes = maxDocumentBytes;
        this.pageCacheKept = pageCacheKept;
        this.sink = sink;
    }

    /**
     * Scans the files of {@code cycles}, oldest first, handing the records before any tear to {@code sink};
     * entries come as {@link LogRecord.EntryHeader}s. {@code pageCacheKept} says that the files were last
     * written in this boot of the machine (see {@link CycleFileReader}).
     */
    static Result scan(CycleFiles cycleFiles, List<Integer> cycles, long maxDocumentBytes, boolean pageCacheKept,
                       RecordSink sink) {
        return new LogScan(cycleFiles, maxDocumentBytes, pageCacheKept, sink).run(cycles);
    }

    private Result run(List<Integer> cycles) {
        Suspect tear = null;
        for (int i = 0; i < cycles.size() && tear == null; i++) {
            tear = scanFile(cycles.get(i), i < cycles.size() - 1);
        }
        if (tear == null && suspect != null) {
            tear = suspect; // the last record of the log fails its checksum
        }
        if (tear == null) {
            return new Result(recordsRead, null, lastTwoProofCycles[0], endsClosed, lastSyncNumber);
        }
        int tornCycle = tear.cycle();
        int proofs = countSyncProofs(tear, cycles.stream().filter(c -> c > tornCycle).toList());
        return new Result(recordsRead, new Tear(tear.cycle(), tear.position(), tear.reason(), proofs),
                lastTwoProofCycles[0], false, lastSyncNumber);
    }

    /**
     * Reads one file; returns the tear in it or the suspect before it, or null if it ends cleanly:
     * in Chronicle's end-of-file marker if {@code laterFilesFollow}. Without it, a power cut kept
     * what was written into a later file but not the end of this one (a sync that covered the roll
     * forced both files): the tail of this file is torn, whether or not a record was in it.
     */
    private Suspect scanFile(int cycle, boolean laterFilesFollow) {
        try (CycleFileReader reader = new CycleFileReader(cycleFiles.fileFor(cycle), maxDocumentBytes, pageCacheKept)) {
            long intactEnd = 0;
            while (true) {
                CycleFileReader.Step step = reader.next();
                if (step == CycleFileReader.Step.END) {
                    if (!laterFilesFollow || reader.rolled() || suspect != null) {
                        return null;
                    }
                    return new Suspect(-1, cycle, reader.documentPosition(),
                            "no end-of-file marker, though later files follow", intactEnd);
                }
                if (step == CycleFileReader.Step.BREAK) {
                    return suspect != null ? suspect
                            : new Suspect(-1, cycle, reader.documentPosition(), reader.breakReason(), intactEnd);
                }
                long queueIndex = cycleFiles.queueIndex(cycle, reader.sequence());
                LogRecord record = decoder.decodeOrNull(reader.content(), reader.contentOffset(), reader.contentLength(), false);
                if (suspect != null) {
                    if (record instanceof LogRecord.Void(long voided) && voided == suspect.queueIndex()) {
                        suspect = null;
                        recordsRead++;
                        intactEnd = reader.documentEnd();
                        continue;
                    }
                    return suspect;
                }
                if (record == null) {
                    suspect = new Suspect(queueIndex, cycle, reader.documentPosition(), "a record that fails its checksum", intactEnd);
                    continue;
                }
                String refusal = sink.accept(record, queueIndex);
                if (refusal != null) {
                    return new Suspect(queueIndex, cycle, reader.documentPosition(), refusal, intactEnd);
                }
                recordsRead++;
                intactEnd = reader.documentEnd();
                note(record, cycle);
            }
        } catch (IOException e) {
            throw new StorageException("cannot read the write-ahead log file " + cycleFiles.fileFor(cycle) + ": " + e.getMessage(), e);
        }
    }

    private void note(LogRecord record, int cycle) {
        if (LogRecord.provesEarlierSyncCompleted(record)) {
            lastTwoProofCycles[0] = lastTwoProofCycles[1];
            lastTwoProofCycles[1] = cycle;
        }
        if (record instanceof LogRecord.Sync(long number)) {
            lastSyncNumber = number;
        }
        endsClosed = record instanceof LogRecord.Close;
    }

    /** Sync proofs anywhere after the tear: in the rest of its file, whatever the framing, and in later files. */
    private int countSyncProofs(Suspect tear, List<Integer> laterCycles) {
        int proofs = 0;
        int cycle = tear.cycle();
        try {
            try (CycleFileReader reader = new CycleFileReader(cycleFiles.fileFor(cycle), maxDocumentBytes, pageCacheKept)) {
                proofs += reader.countSyncProofsFrom(tear.searchFrom());
            }
            for (int later : laterCycles) {
                cycle = later;
                try (CycleFileReader reader = new CycleFileReader(cycleFiles.fileFor(later), maxDocumentBytes, pageCacheKept)) {
                    proofs += reader.countSyncProofsFrom(0);
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot read the write-ahead log file " + cycleFiles.fileFor(cycle) + ": " + e.getMessage(), e);
        }
        return proofs;
    }
}
