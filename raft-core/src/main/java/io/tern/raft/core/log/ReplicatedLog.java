package io.tern.raft.core.log;

import io.tern.raft.types.CompactedIndexException;
import io.tern.raft.types.LogEntry;
import io.tern.raft.core.RaftConfig;
import io.tern.raft.core.RaftStorageView;
import io.tern.raft.core.SnapshotMeta;
import java.util.ArrayList;
import java.util.List;

/**
 * A node's Raft log as the core sees it: durable storage, followed by entries not yet durable, with
 * the commit and applied indexes. Terms along a log never decrease, which the searches below use.
 */
public final class ReplicatedLog {

    /** What {@link #termOrUnknown(long)} answers for an index it cannot see (compacted or past the end). */
    public static final long UNKNOWN = -1;

    private final RaftStorageView storage;
    private final UnstableLog unstable;
    private long commit;
    private long applied;

    public ReplicatedLog(RaftStorageView storage, long appliedIndex) {
        this.storage = storage;
        this.unstable = new UnstableLog(storage.lastIndex() + 1);
        long snapshotIndex = storage.snapshot().index();
        if (appliedIndex < snapshotIndex || appliedIndex > storage.lastIndex()) {
            throw new IllegalArgumentException("applied index " + appliedIndex + " outside [" + snapshotIndex + ", "
                    + storage.lastIndex() + "]");
        }
        this.applied = appliedIndex;
        this.commit = Math.max(applied, Math.min(storage.hardState().commit(), storage.lastIndex()));
    }

    public long commitIndex() {
        return commit;
    }

    public long appliedIndex() {
        return applied;
    }

    public long firstIndex() {
        SnapshotMeta pending = unstable.snapshot();
        return pending != null ? pending.index() + 1 : storage.firstIndex();
    }

    public long lastIndex() {
        return unstable.lastIndex();
    }

    /**
     * The last index that is durable here and agrees with this log: what a leader may count for itself
     * and what may be applied. Meaningless while a snapshot is pending.
     */
    public long durableLastIndex() {
        return unstable.offset() - 1;
    }

    public long lastTerm() {
        return termOrUnknown(lastIndex());
    }

    /** The index of the snapshot the log starts after (a pending one if a snapshot is being installed). */
    public SnapshotMeta snapshot() {
        SnapshotMeta pending = unstable.snapshot();
        return pending != null ? pending : storage.snapshot();
    }

    public boolean hasPendingSnapshot() {
        return unstable.snapshot() != null;
    }

    public long termOrUnknown(long index) {
        SnapshotMeta pending = unstable.snapshot();
        if (pending != null) {
            if (index == pending.index()) {
                return pending.term();
            }
            if (index < pending.index()) {
                return UNKNOWN;
            }
        }
        if (index >= unstable.offset()) {
            LogEntry entry = unstable.entry(index);
            return entry == null ? UNKNOWN : entry.term();
        }
        if (index == 0) {
            return 0;
        }
        SnapshotMeta snapshot = storage.snapshot();
        if (index == snapshot.index()) {
            return snapshot.term();
        }
        if (index < storage.firstIndex() || index > storage.lastIndex()) {
            return UNKNOWN;
        }
        return storage.term(index);
    }

    public boolean matchTerm(long index, long term) {
        long found = termOrUnknown(index);
        return found != UNKNOWN && found == term;
    }

    /** Whether a log ending at ({@code index}, {@code term}) is at least as up to date as this one. */
    public boolean isUpToDate(long index, long term) {
        long lastTerm = lastTerm();
        return term > lastTerm || (term == lastTerm && index >= lastIndex());
    }

    /**
     * Entries from {@code from} to {@code to} (exclusive), at most {@code maxBytes} (each entry
     * counted as its payload plus {@link RaftConfig#BYTES_COUNTED_PER_ENTRY}) but at least one entry.
     *
     * @throws CompactedIndexException if {@code from} lies before {@link #firstIndex()}
     */
    public List<LogEntry> entries(long from, long to, long maxBytes) {
        if (from < firstIndex()) {
            throw new CompactedIndexException(from, firstIndex());
        }
        to = Math.min(to, lastIndex() + 1);
        List<LogEntry> result = new ArrayList<>();
        long bytes = 0;
        long next = from;
        long storageEnd = Math.min(to, unstable.offset());
        if (next < storageEnd) {
            // The storage counts payloads only, so it may hand out more than this budget allows.
            for (LogEntry entry : storage.entries(next, storageEnd, maxBytes)) {
                if (!result.isEmpty() && bytes + counted(entry) > maxBytes) {
                    return result;
                }
                result.add(entry);
                bytes += counted(entry);
            }
            next += result.size();
            if (next < storageEnd) {
                return result;
            }
        }
        for (; next < to; next++) {
            LogEntry entry = unstable.entry(next);
            if (!result.isEmpty() && bytes + counted(entry) > maxBytes) {
                break;
            }
            result.add(entry);
            bytes += counted(entry);
        }
        return result;
    }

    private static long counted(LogEntry entry) {
        return (long) entry.payload().length + RaftConfig.BYTES_COUNTED_PER_ENTRY;
    }

    /** A leader appends its own entries; they must continue the log. */
    public void append(List<LogEntry> batch) {
        if (batch.isEmpty()) {
            return;
        }
        if (batch.get(0).index() != lastIndex() + 1) {
            throw new IllegalArgumentException("append at " + batch.get(0).index() + " after last index " + lastIndex());
        }
        unstable.truncateAndAppend(batch);
    }

    /**
     * A follower takes entries that the leader says follow a matching position. Entries it already
     * holds with the same term are skipped: only the first entry whose term differs (a real conflict)
     * truncates the log, so a stale or duplicated message never removes anything. Returns the entries
     * actually written (empty if all were held already).
     */
    public List<LogEntry> appendFromLeader(List<LogEntry> batch) {
        for (int i = 0; i < batch.size(); i++) {
            LogEntry entry = batch.get(i);
            if (!matchTerm(entry.index(), entry.term())) {
                if (entry.index() <= commit) {
                    throw new IllegalStateException("leader's entry " + entry + " conflicts with committed index " + commit);
                }
                List<LogEntry> rest = batch.subList(i, batch.size());
                unstable.truncateAndAppend(rest);
                return rest;
            }
        }
        return List.of();
    }

    /**
     * The first index of the term held at {@code index}, not looking below {@code lowest}: a follower's
     * conflict hint. Terms never decrease along the log, so a binary search finds it.
     */
    public long firstIndexOfTermAt(long index, long lowest) {
        long term = termOrUnknown(index);
        long lo = Math.max(lowest, firstIndex());
        long hi = index;
        while (lo < hi) {
            long mid = lo + (hi - lo) / 2;
            long t = termOrUnknown(mid);
            if (t != UNKNOWN && t >= term) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return hi;
    }

    /**
     * The last index at or below {@code upTo} holding {@code term}, or 0 if this log holds no entry of
     * that term there: a leader resolving a conflict hint.
     */
    public long lastIndexOfTerm(long term, long upTo) {
        long lo = firstIndex();
        long hi = Math.min(upTo, lastIndex());
        long found = 0;
        while (lo <= hi) {
            long mid = lo + (hi - lo) / 2;
            long t = termOrUnknown(mid);
            if (t == UNKNOWN || t > term) {
                hi = mid - 1;
            } else {
                if (t == term) {
                    found = mid;
                }
                lo = mid + 1;
            }
        }
        return found;
    }

    public void commitTo(long index) {
        if (index > commit) {
            if (index > lastIndex()) {
                throw new IllegalStateException("commit " + index + " beyond last index " + lastIndex());
            }
            commit = index;
        }
    }

    /** Replaces the log with a snapshot received from the leader; it becomes durable with the next Ready. */
    public void restore(SnapshotMeta snapshot) {
        unstable.restore(snapshot);
        commit = snapshot.index();
    }

    // --- what the driver must do, and what it reports done ---

    public SnapshotMeta unstableSnapshot() {
        return unstable.snapshot();
    }

    public List<LogEntry> unstableEntries() {
        return List.copyOf(unstable.entries());
    }

    public boolean hasUnstableEntries() {
        return !unstable.entries().isEmpty();
    }

    /** Where the driver must truncate durable storage before writing {@link #unstableEntries()}, or 0. */
    public long truncationPoint() {
        if (unstable.entries().isEmpty()) {
            return 0;
        }
        if (unstable.snapshot() != null) {
            return 0; // installing the snapshot discards the whole durable log first
        }
        long first = unstable.offset();
        return first <= storage.lastIndex() ? first : 0;
    }

    /** Committed entries not yet handed out for applying; only durable ones, never past a pending snapshot. */
    public List<LogEntry> nextCommittedEntries(long maxBytes) {
        if (!hasCommittedToApply()) {
            return List.of();
        }
        long to = Math.min(commit, durableLastIndex());
        return entries(applied + 1, to + 1, maxBytes);
    }

    public boolean hasCommittedToApply() {
        return unstable.snapshot() == null && applied < Math.min(commit, durableLastIndex());
    }

    public void stableTo(long index, long term) {
        unstable.stableTo(index, term);
    }

    public void snapshotStable(long index) {
        unstable.snapshotStable(index);
        applied = Math.max(applied, index);
    }

    public void appliedTo(long index) {
        applied = Math.max(applied, index);
    }
}
