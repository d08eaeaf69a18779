package io.tern.raft.node;

import io.tern.engine.StorageEngine;
import io.tern.raft.types.LogEntry;
import io.tern.engine.log.RaftLog;
import io.tern.engine.meta.HardState;
import io.tern.raft.core.RaftStorageView;
import io.tern.raft.core.SnapshotMeta;

import java.util.List;

/**
 * The Raft core's read-only view of a {@link StorageEngine}. The newest snapshot's metadata is
 * held here and refreshed by the driver when it takes or installs one, so the core sees it change
 * only at those points of the loop. It names only snapshots the member took or installed, never one
 * merely received: the log may disagree with that one.
 */
final class EngineRaftStorage implements RaftStorageView {

    private final StorageEngine engine;
    private volatile SnapshotMeta snapshot;

    EngineRaftStorage(StorageEngine engine) {
        this.engine = engine;
        refreshSnapshot();
    }

    void refreshSnapshot() {
        snapshot = engine.latestSnapshot()
                .map(s -> new SnapshotMeta(s.lastIncludedIndex(), s.lastIncludedTerm(), s.membership()))
                .orElseGet(() -> SnapshotMeta.bootstrap(engine.hardState().current().bootstrapMembership()));
    }

    @Override
    public io.tern.raft.core.HardState hardState() {
        HardState stored = engine.hardState().current();
        return new io.tern.raft.core.HardState(stored.term(), stored.votedFor(), engine.log().committedIndex());
    }

    @Override
    public SnapshotMeta snapshot() {
        return snapshot;
    }

    @Override
    public long firstIndex() {
        return engine.log().firstIndex();
    }

    @Override
    public long lastIndex() {
        return Math.max(engine.log().lastIndex(), snapshot.index());
    }

    @Override
    public long term(long index) {
        SnapshotMeta current = snapshot;
        RaftLog log = engine.log();
        if (index == current.index() && (index < log.firstIndex() || index > log.lastIndex())) {
            return current.term();
        }
        return log.term(index);
    }

    @Override
    public List<LogEntry> entries(long from, long to, long maxBytes) {
        return engine.log().entries(from, to, maxBytes);
    }
}
