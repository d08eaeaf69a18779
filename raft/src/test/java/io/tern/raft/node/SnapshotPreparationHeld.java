package io.tern.raft.node;

import io.tern.raft.types.ForwardingMemberStorage;
import io.tern.raft.types.MemberStorage;
import java.util.concurrent.CountDownLatch;

/** A member's storage whose {@link #prepareSnapshot()} says it began and then waits until the test lets it go. */
final class SnapshotPreparationHeld extends ForwardingMemberStorage {

    final CountDownLatch preparing = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    SnapshotPreparationHeld(MemberStorage storage) {
        super(storage);
    }

    @Override
    public void prepareSnapshot() {
        preparing.countDown();
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        super.prepareSnapshot();
    }
}
