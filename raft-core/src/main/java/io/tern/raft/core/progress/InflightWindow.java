package io.tern.raft.core.progress;

/**
 * The AppendEntries messages in flight to one follower, each remembered by the last index it carried,
 * in the order sent. A ring buffer: bounded by the pipelining window.
 */
public final class InflightWindow {

    private final long[] lastIndexes;
    private int start;
    private int count;

    public InflightWindow(int capacity) {
        this.lastIndexes = new long[capacity];
    }

    public boolean isFull() {
        return count == lastIndexes.length;
    }

    public int count() {
        return count;
    }

    public void add(long lastIndex) {
        if (isFull()) {
            throw new IllegalStateException("inflight window is full");
        }
        lastIndexes[(start + count) % lastIndexes.length] = lastIndex;
        count++;
    }

    /** Forgets every message whose entries all lie at or below {@code index} (they were acknowledged). */
    public void releaseUpTo(long index) {
        while (count > 0 && lastIndexes[start] <= index) {
            start = (start + 1) % lastIndexes.length;
            count--;
        }
    }

    /** Forgets the oldest message, presumed lost, so that replication can go on. */
    public void releaseOldest() {
        if (count > 0) {
            start = (start + 1) % lastIndexes.length;
            count--;
        }
    }

    public void clear() {
        start = 0;
        count = 0;
    }
}
