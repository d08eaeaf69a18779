package io.tern.raft.types;

import java.util.List;
import java.util.Optional;

/**
 * A member's storage that passes every call to another: a decorator overrides only the calls it
 * changes (the server's meters time a few; tests hold one back).
 */
public abstract class ForwardingMemberStorage implements MemberStorage {

    private final MemberStorage storage;

    protected ForwardingMemberStorage(MemberStorage storage) {
        this.storage = storage;
    }

    /** The storage calls are passed to. */
    protected final MemberStorage storage() {
        return storage;
    }

    @Override
    public LogStorage log() {
        return storage.log();
    }

    @Override
    public TermStorage terms() {
        return storage.terms();
    }

    @Override
    public String location() {
        return storage.location();
    }

    @Override
    public List<?> apply(List<LogEntry> committed, boolean markCommitted) {
        return storage.apply(committed, markCommitted);
    }

    @Override
    public long appliedIndex() {
        return storage.appliedIndex();
    }

    @Override
    public void markAppliedCommitted() {
        storage.markAppliedCommitted();
    }

    @Override
    public StoredSnapshot createSnapshot() {
        return storage.createSnapshot();
    }

    @Override
    public void prepareSnapshot() {
        storage.prepareSnapshot();
    }

    @Override
    public Optional<? extends StoredSnapshot> latestSnapshot() {
        return storage.latestSnapshot();
    }

    @Override
    public long compactLog(long keepFrom) {
        return storage.compactLog(keepFrom);
    }

    @Override
    public SnapshotSource openSnapshotReader(StoredSnapshot snapshot, int maxChunkBytes) {
        return storage.openSnapshotReader(snapshot, maxChunkBytes);
    }

    @Override
    public SnapshotSink beginSnapshotInstall() {
        return storage.beginSnapshotInstall();
    }

    @Override
    public boolean installSnapshot(StoredSnapshot received) {
        return storage.installSnapshot(received);
    }

    @Override
    public void discardReceivedSnapshot(StoredSnapshot received) {
        storage.discardReceivedSnapshot(received);
    }
}
