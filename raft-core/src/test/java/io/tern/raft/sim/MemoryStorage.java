package io.tern.raft.sim;

import io.tern.raft.types.Membership;
import io.tern.raft.types.LogEntry;
import io.tern.raft.core.HardState;
import io.tern.raft.core.RaftStorageView;
import io.tern.raft.core.Ready;
import io.tern.raft.core.SnapshotMeta;
import java.util.ArrayList;
import java.util.List;

/**
 * A node's "disk" for tests: what survives a crash. Only {@link #persist(Ready)}, {@link #takeSnapshot}
 * and {@link #compact(long)} change it, and each is atomic.
 */
public final class MemoryStorage implements RaftStorageView {

    private HardState hardState = HardState.INITIAL;
    private SnapshotMeta snapshot;
    private long firstIndex;
    private final List<LogEntry> entries = new ArrayList<>();

    public MemoryStorage(Membership bootstrap) {
        this.snapshot = SnapshotMeta.bootstrap(bootstrap);
        this.firstIndex = 1;
    }

    /** A storage that already holds {@code preset} entries and {@code hardState} (for scenario set-ups). */
    public MemoryStorage(Membership bootstrap, HardState hardState, List<LogEntry> preset) {
        this(bootstrap);
        this.hardState = hardState;
        append(preset);
    }

    @Override
    public HardState hardState() {
        return hardState;
    }

    @Override
    public SnapshotMeta snapshot() {
        return snapshot;
    }

    @Override
    public long firstIndex() {
        return firstIndex;
    }

    @Override
    public long lastIndex() {
        return firstIndex + entries.size() - 1;
    }

    @Override
    public long term(long index) {
        return entry(index).term();
    }

    public LogEntry entry(long index) {
        if (index < firstIndex || index > lastIndex()) {
            throw new IndexOutOfBoundsException("index " + index + " outside [" + firstIndex + ", " + lastIndex() + "]");
        }
        return entries.get((int) (index - firstIndex));
    }

    @Override
    public List<LogEntry> entries(long from, long to, long maxBytes) {
        if (from < firstIndex || to > lastIndex() + 1) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") outside [" + firstIndex + ", "
                    + (lastIndex() + 1) + ")");
        }
        List<LogEntry> result = new ArrayList<>();
        long bytes = 0;
        for (long i = from; i < to; i++) {
            LogEntry entry = entry(i);
            if (!result.isEmpty() && bytes + entry.payload().length > maxBytes) {
                break;
            }
            result.add(entry);
            bytes += entry.payload().length;
        }
        return result;
    }

    /** Does the durable part of {@code ready}, checking that the core asked for something coherent. */
    public void persist(Ready ready) {
        ready.snapshot().ifPresent(s -> {
            snapshot = s;
            entries.clear();
            firstIndex = s.index() + 1;
        });
        if (ready.truncateFrom() > 0) {
            long from = ready.truncateFrom();
            if (from < firstIndex || from > lastIndex()) {
                throw new IllegalStateException("truncation at " + from + " outside [" + firstIndex + ", " + lastIndex() + "]");
            }
            entries.subList((int) (from - firstIndex), entries.size()).clear();
        }
        append(ready.entries());
        ready.hardState().ifPresent(h -> hardState = h);
    }

    private void append(List<LogEntry> batch) {
        for (LogEntry entry : batch) {
            if (entry.index() != lastIndex() + 1) {
                throw new IllegalStateException("entry " + entry + " does not follow last index " + lastIndex());
            }
            entries.add(entry);
        }
    }

    /** The driver snapshots its applied state at {@code index} (which must be in the log). */
    public void takeSnapshot(long index, Membership membership) {
        if (index <= snapshot.index()) {
            return;
        }
        snapshot = new SnapshotMeta(index, term(index), membership);
    }

    /** Drops entries below {@code index}; never past the snapshot. */
    public void compact(long index) {
        index = Math.min(index, snapshot.index() + 1);
        if (index > firstIndex) {
            entries.subList(0, (int) (index - firstIndex)).clear();
            firstIndex = index;
        }
    }

    /** Every entry held, oldest first. */
    public List<LogEntry> log() {
        return List.copyOf(entries);
    }
}
