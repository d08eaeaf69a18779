package io.tern.raft.node;

import io.tern.raft.types.ForwardingMemberStorage;
import io.tern.raft.types.MemberStorage;
import io.tern.raft.types.StoredSnapshot;
import java.util.concurrent.CountDownLatch;

/** A member's storage that says when one step of a periodic snapshot began, then waits until the test lets it go. */
final class SnapshotStepHeld extends ForwardingMemberStorage {

    /** Before the flush; before the capture; after the capture, before the applier records the snapshot. */
    enum Step { PREPARE, CREATE, CREATED }

    final CountDownLatch began = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    private final Step held;

    SnapshotStepHeld(MemberStorage storage, Step held) {
        super(storage);
        this.held = held;
    }

    @Override
    public void prepareSnapshot() {
        holdIf(Step.PREPARE);
        super.prepareSnapshot();
    }

    @Override
    public StoredSnapshot createSnapshot() {
        holdIf(Step.CREATE);
        StoredSnapshot taken = super.createSnapshot();
        holdIf(Step.CREATED);
        return taken;
    }

    private void holdIf(Step step) {
        if (step != held) {
            return;
        }
        began.countDown();
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
