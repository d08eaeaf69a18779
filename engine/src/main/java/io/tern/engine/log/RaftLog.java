package io.tern.engine.log;

import io.tern.raft.types.CompactedIndexException;
import io.tern.raft.types.LogEntry;
import io.tern.raft.types.LogStorage;

/**
 * The replicated log as the engine keeps it: the {@link LogStorage} Raft uses, plus single entries,
 * compaction and the commit watermark. An empty log has {@code lastIndex() == firstIndex() - 1}.
 *
 * <p>Appends become durable only at {@link #sync()}; callers batch many appends per sync (group
 * commit). Implementations are safe to call from several threads, but a single writer is expected.
 */
public interface RaftLog extends LogStorage, AutoCloseable {

    /**
     * The entry at {@code index}.
     *
     * @throws CompactedIndexException if the index was compacted away
     * @throws IndexOutOfBoundsException if the index is beyond {@link #lastIndex()}
     */
    LogEntry entry(long index);

    /** The term of the entry at {@code index}, with the same errors as {@link #entry(long)}. */
    @Override
    default long term(long index) {
        return entry(index).term();
    }

    /**
     * Removes the entry at {@code index} and everything after it (Raft's conflict truncation). Crash
     * safe: after a crash the log is either wholly before or wholly after the truncation. A no-op if
     * {@code index > lastIndex()}.
     */
    @Override
    void truncateFrom(long index);

    /**
     * Discards every entry and makes {@code nextIndex} the index of the next append (after a
     * snapshot that covers everything below it was installed).
     */
    @Override
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
    @Override
    long committedIndex();

    /** Makes everything appended, truncated or marked so far durable, as the fsync policy says. */
    @Override
    void sync();

    /** How many times {@link #sync()} forced written data to disk: group commit shows as entries per sync. */
    long syncCount();

    @Override
    void close();
}
