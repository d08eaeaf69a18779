package io.tern.raft.nodesim;

import io.tern.raft.types.LogEntry;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A member's log as its running process sees it: every write shows at once, and is recorded on the
 * {@link SimDisk} as pending until {@link #sync()}. Compaction deletes at once, on both.
 */
final class SimLog {

    private final LogImage live;
    private final SimDisk disk;
    private final SplittableRandom random;

    SimLog(SimDisk disk, SplittableRandom random) {
        this.live = disk.log.copy();
        this.disk = disk;
        this.random = random;
    }

    long firstIndex() {
        return live.firstIndex();
    }

    long lastIndex() {
        return live.lastIndex();
    }

    LogEntry entry(long index) {
        return live.entry(index);
    }

    List<LogEntry> entries(long from, long to, long maxBytes) {
        return live.entries(from, to, maxBytes);
    }

    long committedIndex() {
        return live.committedIndex();
    }

    void append(List<LogEntry> entries) {
        live.append(entries);
        disk.pendingAppend(entries, random.nextInt(entries.size()));
    }

    void truncateFrom(long index) {
        live.truncateFrom(index);
        disk.pendingWrite(image -> image.truncateFrom(index));
    }

    void resetTo(long nextIndex) {
        live.resetTo(nextIndex);
        disk.pendingWrite(image -> image.resetTo(nextIndex));
    }

    void markCommitted(long index) {
        live.markCommitted(index);
        disk.pendingWrite(image -> image.markCommitted(index));
    }

    void compactUpTo(long index) {
        live.compactUpTo(index);
        disk.log.compactUpTo(index);
    }

    void sync() {
        disk.sync();
    }
}
