package io.tern.raft.node;

import io.tern.raft.core.HardState;
import io.tern.raft.core.RaftStorageView;
import io.tern.raft.core.SnapshotMeta;
import io.tern.raft.types.LogEntry;
import io.tern.raft.types.LogStorage;
import io.tern.raft.types.MemberStorage;

import java.util.List;

/**
 * The Raft core's read-only view of a member's {@link MemberStorage}. The newest snapshot's metadata
 * is held here and refreshed by the driver when it takes or installs one, so the core sees it change
 * only at those points of the loop. It names only snapshots the member took or installed, never one
 * merely received: the log may disagree with that one.
 */
final class MemberStorageView implements RaftStorageView {

    private final MemberStorage storage;
    private volatile SnapshotMeta snapshot;

    MemberStorageView(MemberStorage storage) {
        this.storage = storage;
        refreshSnapshot();
    }

    void refreshSnapshot() {
        snapshot = storage.latestSnapshot()
                .map(s -> new SnapshotMeta(s.lastIncludedIndex(), s.lastIncludedTerm(), s.membership()))
                .orElseGet(() -> SnapshotMeta.bootstrap(storage.terms().bootstrapMembership()));
    }

    @Override
    public HardState hardState() {
        return new HardState(storage.terms().term(), storage.terms().votedFor(), storage.log().committedIndex());
    }

    @Override
    public SnapshotMeta snapshot() {
        return snapshot;
    }

    @Override
    public long firstIndex() {
        return storage.log().firstIndex();
    }

    @Override
    public long lastIndex() {
        return Math.max(storage.log().lastIndex(), snapshot.index());
    }

    @Override
    public long term(long index) {
        SnapshotMeta current = snapshot;
        LogStorage log = storage.log();
        if (index == current.index() && (index < log.firstIndex() || index > log.lastIndex())) {
            return current.term();
        }
        return log.term(index);
    }

    @Override
    public List<LogEntry> entries(long from, long to, long maxBytes) {
        return storage.log().entries(from, to, maxBytes);
    }

    /** The log's own answer, which an indexed log gives without reading every entry. */
    @Override
    public List<LogEntry> configEntries() {
        return storage.log().configEntries(snapshot.index() + 1);
    }
}
