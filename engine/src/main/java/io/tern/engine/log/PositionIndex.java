package io.tern.engine.log;

import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * Maps each live Raft index to the queue position of the record holding it, and to its term (which
 * Raft asks for far more often than for the entry, and which must not cost a read of a payload
 * that may be megabytes). Raft indexes are dense, so these are arrays offset by the first index;
 * truncation and compaction only move their ends. The CONFIG entries' indexes are kept too, so that a
 * Raft core that starts finds its configurations without reading every entry.
 */
final class PositionIndex {
    private long firstIndex;
    private long[] positions = new long[1024];
    private long[] terms = new long[1024];
    private int size;
    private final TreeSet<Long> configIndexes = new TreeSet<>();

    PositionIndex(long firstIndex) {
        this.firstIndex = firstIndex;
    }

    long firstIndex() {
        return firstIndex;
    }

    long lastIndex() {
        return firstIndex + size - 1;
    }

    boolean contains(long index) {
        return index >= firstIndex && index < firstIndex + size;
    }

    long position(long index) {
        return positions[Math.toIntExact(index - firstIndex)];
    }

    long term(long index) {
        return terms[Math.toIntExact(index - firstIndex)];
    }

    /** The live CONFIG entries' indexes from {@code index} on, in order. */
    List<Long> configIndexesFrom(long index) {
        return List.copyOf(configIndexes.tailSet(index, true));
    }

    void add(long index, long position, long term, boolean config) {
        if (index != firstIndex + size) {
            throw new IllegalStateException("index " + index + " does not follow " + lastIndex());
        }
        if (size == positions.length) {
            positions = Arrays.copyOf(positions, size + (size >> 1));
            terms = Arrays.copyOf(terms, positions.length);
        }
        positions[size] = position;
        terms[size++] = term;
        if (config) {
            configIndexes.add(index);
        }
    }

    /** Forgets {@code index} and everything after it. */
    void truncateFrom(long index) {
        if (index <= firstIndex) {
            reset(index);
        } else if (index <= lastIndex()) {
            size = Math.toIntExact(index - firstIndex);
            configIndexes.tailSet(index, true).clear();
        }
    }

    /** Forgets everything; the next index added is {@code nextIndex}. */
    void reset(long nextIndex) {
        firstIndex = nextIndex;
        size = 0;
        configIndexes.clear();
    }

    /** Forgets the entries below {@code newFirstIndex}, which must not pass the last index + 1. */
    void dropBefore(long newFirstIndex) {
        int dropped = Math.toIntExact(Math.min(newFirstIndex - firstIndex, size));
        if (dropped <= 0) {
            return;
        }
        System.arraycopy(positions, dropped, positions, 0, size - dropped);
        System.arraycopy(terms, dropped, terms, 0, size - dropped);
        size -= dropped;
        firstIndex += dropped;
        configIndexes.headSet(firstIndex, false).clear();
    }
}
