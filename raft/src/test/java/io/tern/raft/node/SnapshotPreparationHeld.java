package io.tern.raft.node;

import io.tern.raft.types.LogEntry;
import io.tern.raft.types.LogStorage;
import io.tern.raft.types.MemberStorage;
import io.tern.raft.types.SnapshotSink;
import io.tern.raft.types.SnapshotSource;
import io.tern.raft.types.StoredSnapshot;
import io.tern.raft.types.TermStorage;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/** A member's storage whose {@link #prepareSnapshot()} says it began and then waits until the test lets it go. */
final class SnapshotPreparationHeld implements MemberStorage {

    private final MemberStorage storage;
    final CountDownLatch preparing = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    SnapshotPreparationHeld(MemberStorage storage) {
        this.storage = storage;
    }

    @Override
    public void prepareSnapshot() {
        preparing.countDown();
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        storage.prepareSnapshot();
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
    public Optional<? extends StoredSnapshot> latestSnapshot() {
        return storage.latestSnapshot();
    }

    @Override
    public long compactLog() {
        return storage.compactLog();
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
}
