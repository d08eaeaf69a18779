package io.tern.raft.core;

import io.tern.raft.types.ConfigEntryScan;
import io.tern.raft.types.LogEntry;
import java.util.List;

/**
 * What the core reads of the node's durable storage. Read-only: only the driver writes, following
 * {@link Ready}, and it must have done so before it calls {@link RaftCore#advance(Ready)}. The driver
 * may also compact on its own (take a snapshot at the applied index, then raise {@link #firstIndex()}).
 *
 * <p>Invariants: {@code firstIndex() <= snapshot().index() + 1} and
 * {@code lastIndex() >= snapshot().index()}.
 */
public interface RaftStorageView {

    /** The hard state as last persisted ({@link HardState#INITIAL} for a new node). */
    HardState hardState();

    /** The newest durable snapshot; a new node reports {@link SnapshotMeta#bootstrap} with its initial configuration. */
    SnapshotMeta snapshot();

    /** The lowest index whose entry can still be read. */
    long firstIndex();

    /** The highest durable index; {@code snapshot().index()} when no entry follows the snapshot. */
    long lastIndex();

    /** The term of the entry at {@code index}, for {@code firstIndex() <= index <= lastIndex()}. */
    long term(long index);

    /**
     * Entries from {@code from} (inclusive) to {@code to} (exclusive), stopping once their payloads
     * exceed {@code maxBytes} but always at least one entry when the range is not empty.
     */
    List<LogEntry> entries(long from, long to, long maxBytes);

    /**
     * The CONFIG entries after the snapshot, oldest first; read once when a core starts. The default
     * scans the log; a storage that indexes CONFIG entries should override it.
     */
    default List<LogEntry> configEntries() {
        return ConfigEntryScan.configEntries(this::entries, Math.max(firstIndex(), snapshot().index() + 1), lastIndex());
    }
}
