package io.tern.engine.log;

import io.tern.engine.StorageException;
import io.tern.engine.io.DurableFiles;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Replaces cycle files with fresh ones that Chronicle writes itself, holding the same data
 * documents up to a cut, so their headers, index and end agree with their data again. A power cut
 * can leave a file whose header or index points past what reached the disk, and Chronicle, which
 * trusts them, would then append where no reader looks.
 *
 * <p>Each document keeps its number in its file, so queue indexes stay what they were. The steps
 * are ordered for a crash at any point: new files are written aside and forced, the files to drop
 * are deleted, then each new file is renamed over its original; a crash in between leaves a
 * directory the next open judges and repairs the same way.
 */
final class CycleFileRewriter {

    /** Where new files are written before they replace the originals. */
    static final String WORK_DIRECTORY = "rewrite.tmp";
    /** Chronicle's table store; it caches the directory listing and is rebuilt when missing. */
    private static final String TABLE_STORE = "metadata.cq4t";

    /** Keep the data documents of {@code cycle}'s file that start before {@code cutPosition}. */
    record Rewrite(int cycle, long cutPosition) {
    }

    private final Path directory;
    private final CycleFiles cycleFiles;
    private final RollCycle rollCycle;
    private final long blockSize;

    CycleFileRewriter(Path directory, CycleFiles cycleFiles, RollCycle rollCycle, long blockSize) {
        this.directory = directory;
        this.cycleFiles = cycleFiles;
        this.rollCycle = rollCycle;
        this.blockSize = blockSize;
    }

    /** Removes what a rewrite cut short by a crash left behind. */
    void removeLeftovers() {
        try {
            DurableFiles.deleteTree(directory.resolve(WORK_DIRECTORY));
        } catch (IOException e) {
            throw new StorageException("cannot remove " + directory.resolve(WORK_DIRECTORY) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Rewrites the files of {@code rewrites} (oldest first) and deletes those of {@code deletions};
     * a file left with no data document is deleted too.
     */
    void rewrite(List<Rewrite> rewrites, List<Integer> deletions) {
        Path work = directory.resolve(WORK_DIRECTORY);
        try {
            DurableFiles.deleteTree(work);
            List<Integer> toDelete = new ArrayList<>(deletions);
            List<Integer> written = writeAside(work, rewrites, toDelete);
            for (int cycle : written) {
                DurableFiles.fsyncFile(work.resolve(cycleFiles.fileFor(cycle).getFileName()));
            }
            toDelete.sort(Comparator.reverseOrder());
            for (int cycle : toDelete) {
                Files.deleteIfExists(cycleFiles.fileFor(cycle));
            }
            DurableFiles.fsyncDirectory(directory);
            for (int cycle : written) {
                Path original = cycleFiles.fileFor(cycle);
                DurableFiles.moveAtomically(work.resolve(original.getFileName()), original);
            }
            Files.deleteIfExists(directory.resolve(TABLE_STORE));
            DurableFiles.deleteTree(work);
        } catch (IOException e) {
            throw new StorageException("cannot repair the write-ahead log in " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Writes the kept documents into a queue in {@code work}; returns the cycles that got a file. */
    private List<Integer> writeAside(Path work, List<Rewrite> rewrites, List<Integer> emptied) throws IOException {
        List<Integer> written = new ArrayList<>();
        if (rewrites.isEmpty()) {
            return written;
        }
        SetTimeProvider clock = new SetTimeProvider(TimeUnit.MILLISECONDS.toNanos(startOf(rewrites.getFirst().cycle())));
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.single(work.toFile())
                .rollCycle(rollCycle)
                .timeProvider(clock)
                .blockSize(blockSize)
                .build();
             ExcerptAppender appender = queue.createAppender()) {
            appender.singleThreadedCheckDisabled(true);
            for (Rewrite rewrite : rewrites) {
                // The queue writes into the cycle its clock is in: the original's.
                clock.currentTimeMillis(startOf(rewrite.cycle()));
                long copied = 0;
                try (CycleFileReader reader = new CycleFileReader(cycleFiles.fileFor(rewrite.cycle()), blockSize, false)) {
                    while (reader.next() == CycleFileReader.Step.DATA && reader.documentPosition() < rewrite.cutPosition()) {
                        try (DocumentContext document = appender.writingDocument()) {
                            document.wire().bytes().write(reader.content(), reader.contentOffset(), reader.contentLength());
                        }
                        copied++;
                    }
                }
                if (copied == 0) {
                    emptied.add(rewrite.cycle());
                } else {
                    written.add(rewrite.cycle());
                }
            }
        }
        for (int cycle : written) {
            if (!Files.exists(work.resolve(cycleFiles.fileFor(cycle).getFileName()))) {
                throw new IOException("rewriting " + cycleFiles.fileFor(cycle) + " produced no file of that name");
            }
        }
        return written;
    }

    private long startOf(int cycle) {
        return (long) cycle * rollCycle.lengthInMillis();
    }
}
