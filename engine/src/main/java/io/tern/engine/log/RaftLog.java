package io.tern.engine.log;

import io.tern.raft.types.CompactedIndexException;
import io.tern.raft.types.LogEntry;
import java.util.List;

/**
 * The replicated log as Raft sees it: dense indexes from {@link #firstIndex()} to
 * {@link #lastIndex()}. An empty log has {@code lastIndex() == firstIndex() - 1}.
 *
 * <p>Appends become durable only at {@link #sync()}; callers batch many appends per sync (group
 * commit). Implementations are safe to call from several threads, but a single writer is expected.
 */
public interface RaftLog extends AutoCloseable {

    /** The lowest index still held; {@code lastIndex() + 1} when the log is empty. */
    long firstIndex();

    /** The highest index held; {@code firstIndex() - 1} when the log is empty. */
    long lastIndex();

    /**
     * The entry at {@code index}.
     *
     * @throws CompactedIndexException if the index was compacted away
     * @throws IndexOutOfBoundsException if the index is beyond {@link #lastIndex()}
     */
    LogEntry entry(long index);

    /** The term of the entry at {@code index}, with the same errors as {@link #entry(long)}. */
    default long term(long index) {
        return entry(index).term();
    }

    /**
     * Entries from {@code fromIndex} (inclusive) up to {@code toIndex} (exclusive), stopping early
     * once their payloads exceed {@code maxBytes}; at least one entry when the range is not empty.
     */
    List<LogEntry> entries(long fromIndex, long toIndex, long maxBytes);

    /** Appends entries whose indexes continue this log without a gap, starting at {@code lastIndex() + 1}. */
    void append(List<LogEntry> entries);

    /**
     * Removes the entry at {@code index} and everything after it (Raft's conflict truncation). Crash
     * safe: after a crash the log is either wholly before or wholly after the truncation. A no-op if
     * {@code index > lastIndex()}.
     */
    void truncateFrom(long index);

    /**
     * Discards every entry and makes {@code nextIndex} the index of the next append (after a
     * snapshot that covers everything below it was installed).
     */
    void resetTo(long nextIndex);

    /**
     * Frees space below {@code index}: deletes whole rolled files all of whose entries lie below it,
     * never the one holding it nor the one being written. {@link #firstIndex()} may stay below
     * {@code index}.
     */
    void compactUpTo(long index);

    /**
     * Records that entries up to {@code index} are known to be committed, so that recovery may
     * replay them. The record is durable from the next {@link #sync()} on; the watermark only grows.
     */
    void markCommitted(long index);

    /** The highest index recorded by {@link #markCommitted(long)}, clamped to the log's end. */
    long committedIndex();

    /** Makes everything appended, truncated or marked so far durable, as the fsync policy says. */
    void sync();

    /** How many times {@link #sync()} forced written data to disk: group commit shows as entries per sync. */
    long syncCount();

    @Override
    void close();
}
