package io.tern.raft.types;

/** An entry was asked for that compaction already deleted; the caller needs a snapshot instead. */
public class CompactedIndexException extends RuntimeException {
    private final long index;
    private final long firstIndex;

    public CompactedIndexException(long index, long firstIndex) {
        super("log index " + index + " was compacted away; the log now starts at " + firstIndex);
        this.index = index;
        this.firstIndex = firstIndex;
    }

    public long index() {
        return index;
    }

    public long firstIndex() {
        return firstIndex;
    }
}
