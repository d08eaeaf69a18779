package io.tern.raft.core.log;

import io.tern.raft.types.LogEntry;
import io.tern.raft.core.SnapshotMeta;
import java.util.ArrayList;
import java.util.List;

/**
 * What the core holds that is not yet durable: entries from {@code offset} on and possibly a snapshot
 * just received from the leader. Everything below {@code offset} is in durable storage and agrees with
 * this node's log; storage may still hold stale entries at or above {@code offset}, which the driver
 * truncates when it persists these entries.
 */
final class UnstableLog {

    private long offset;
    private final List<LogEntry> entries = new ArrayList<>();
    private SnapshotMeta snapshot;

    UnstableLog(long offset) {
        this.offset = offset;
    }

    long offset() {
        return offset;
    }

    SnapshotMeta snapshot() {
        return snapshot;
    }

    List<LogEntry> entries() {
        return entries;
    }

    long lastIndex() {
        return offset + entries.size() - 1;
    }

    /** The entry at {@code index}, or null when it is not held here. */
    LogEntry entry(long index) {
        if (index < offset || index > lastIndex()) {
            return null;
        }
        return entries.get((int) (index - offset));
    }

    /** Appends {@code batch}, first dropping whatever this log holds at or after its first index. */
    void truncateAndAppend(List<LogEntry> batch) {
        long first = batch.get(0).index();
        if (first == lastIndex() + 1) {
            entries.addAll(batch);
        } else if (first <= offset) {
            // The conflict lies in durable storage: these entries replace it from `first` on.
            offset = first;
            entries.clear();
            entries.addAll(batch);
        } else {
            entries.subList((int) (first - offset), entries.size()).clear();
            entries.addAll(batch);
        }
    }

    /** Entries up to {@code index} (of {@code term}) became durable. Ignored if they were replaced since. */
    void stableTo(long index, long term) {
        LogEntry entry = entry(index);
        if (snapshot != null || entry == null || entry.term() != term) {
            return;
        }
        entries.subList(0, (int) (index + 1 - offset)).clear();
        offset = index + 1;
    }

    void restore(SnapshotMeta meta) {
        snapshot = meta;
        offset = meta.index() + 1;
        entries.clear();
    }

    void snapshotStable(long index) {
        if (snapshot != null && snapshot.index() == index) {
            snapshot = null;
        }
    }
}
