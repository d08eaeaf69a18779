package io.tern.raft.nodesim;

import io.tern.raft.types.CompactedIndexException;
import io.tern.raft.types.LogEntry;

import java.util.ArrayList;
import java.util.List;

/** The contents of a simulated log: what a reader sees, or what is on the simulated disk. */
final class LogImage {

    private long firstIndex = 1;
    private final ArrayList<LogEntry> entries = new ArrayList<>();
    private long committed;

    LogImage copy() {
        LogImage copy = new LogImage();
        copy.firstIndex = firstIndex;
        copy.entries.addAll(entries);
        copy.committed = committed;
        return copy;
    }

    long firstIndex() {
        return firstIndex;
    }

    long lastIndex() {
        return firstIndex + entries.size() - 1;
    }

    LogEntry entry(long index) {
        if (index < firstIndex) {
            throw new CompactedIndexException(index, firstIndex);
        }
        if (index > lastIndex()) {
            throw new IndexOutOfBoundsException("index " + index + " is past the log's end " + lastIndex());
        }
        return entries.get((int) (index - firstIndex));
    }

    List<LogEntry> entries(long from, long to, long maxBytes) {
        List<LogEntry> out = new ArrayList<>();
        long bytes = 0;
        for (long index = from; index < to; index++) {
            LogEntry entry = entry(index);
            if (!out.isEmpty() && bytes + entry.payload().length > maxBytes) {
                break;
            }
            bytes += entry.payload().length;
            out.add(entry);
        }
        return out;
    }

    long committedIndex() {
        return Math.min(committed, lastIndex());
    }

    void append(List<LogEntry> more) {
        for (LogEntry entry : more) {
            if (entry.index() != lastIndex() + 1) {
                throw new IllegalStateException("append of " + entry.index() + " after " + lastIndex());
            }
            entries.add(entry);
        }
    }

    void truncateFrom(long index) {
        if (index > lastIndex()) {
            return;
        }
        if (index < firstIndex) {
            throw new CompactedIndexException(index, firstIndex);
        }
        entries.subList((int) (index - firstIndex), entries.size()).clear();
    }

    void resetTo(long nextIndex) {
        entries.clear();
        firstIndex = nextIndex;
    }

    /** Drops the entries below {@code index} (the simulated files wholly below it). */
    void compactUpTo(long index) {
        long drop = Math.min(index, lastIndex()) - firstIndex;
        if (drop > 0) {
            entries.subList(0, (int) drop).clear();
            firstIndex += drop;
        }
    }

    void markCommitted(long index) {
        committed = Math.max(committed, index);
    }
}
