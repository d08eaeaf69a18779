package io.tern.raft.core.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.raft.core.progress.ReplicationProgress.State;
import org.junit.jupiter.api.Test;

class ReplicationProgressTest {

    @Test
    void probeSendsOneMessageAtATime() {
        ReplicationProgress p = new ReplicationProgress(6, 3);
        assertEquals(State.PROBE, p.state());
        assertFalse(p.isPaused());
        p.sent(9, 3, 0);
        assertTrue(p.isPaused());
        assertEquals(6, p.next(), "a probe does not move next optimistically");
        p.heartbeatAnswered(9);
        assertFalse(p.isPaused(), "a heartbeat answer lets a lost probe be sent again");
    }

    @Test
    void replicatePipelinesUpToTheWindow() {
        ReplicationProgress p = new ReplicationProgress(6, 2);
        p.acknowledge(5);
        p.becomeReplicate();
        p.sent(7, 2, 0);
        assertEquals(8, p.next());
        assertFalse(p.isPaused());
        p.sent(9, 2, 0);
        assertTrue(p.isPaused());
        p.acknowledge(7);
        assertFalse(p.isPaused());
        assertEquals(1, p.inflightCount());
    }

    @Test
    void rejectionInReplicateFallsBackToProbeAtTheHint() {
        ReplicationProgress p = new ReplicationProgress(6, 4);
        p.acknowledge(5);
        p.becomeReplicate();
        p.sent(9, 4, 0);
        assertTrue(p.reject(9, 7));
        assertEquals(State.PROBE, p.state());
        assertEquals(7, p.next());
    }

    @Test
    void staleRejectionsAreIgnored() {
        ReplicationProgress p = new ReplicationProgress(6, 4);
        p.acknowledge(5);
        p.becomeReplicate();
        assertFalse(p.reject(5, 1), "at or below match: an answer to an old message");
        p.becomeProbe();
        assertFalse(p.reject(3, 1), "a probe rejection must be for next - 1");
        assertTrue(p.reject(5, 1));
        assertEquals(6, p.next(), "never below match + 1");
    }

    @Test
    void snapshotPausesUntilAcknowledgedOrAborted() {
        ReplicationProgress p = new ReplicationProgress(6, 4);
        p.becomeSnapshot(20);
        assertTrue(p.isPaused());
        assertFalse(p.snapshotTimedOut(3));
        assertFalse(p.snapshotTimedOut(3));
        assertTrue(p.snapshotTimedOut(3));
        p.abortSnapshot();
        assertEquals(State.PROBE, p.state());
        assertEquals(1, p.next());
        p.becomeSnapshot(20);
        p.acknowledge(20);
        p.becomeProbe();
        assertEquals(21, p.next());
    }

    @Test
    void windowReleasesInOrder() {
        InflightWindow w = new InflightWindow(3);
        w.add(2);
        w.add(5);
        w.add(9);
        assertTrue(w.isFull());
        w.releaseUpTo(5);
        assertEquals(1, w.count());
        w.add(10);
        w.add(12);
        w.releaseOldest();
        assertEquals(2, w.count());
        w.releaseUpTo(100);
        assertEquals(0, w.count());
    }

    @Test
    void heardWithinIsASlidingWindowOfTicks() {
        ReplicationProgress p = new ReplicationProgress(1, 4);
        assertFalse(p.heardWithin(Integer.MAX_VALUE), "never heard from");
        p.tick();
        assertFalse(p.heardWithin(Integer.MAX_VALUE), "the count saturates instead of wrapping");
        p.markActive();
        assertTrue(p.heardWithin(1));
        for (int i = 0; i < 9; i++) {
            p.tick();
        }
        assertTrue(p.heardWithin(10));
        p.tick();
        assertFalse(p.heardWithin(10));
        p.heartbeatAnswered(0);
        assertTrue(p.heardWithin(1), "a heartbeat answer counts as hearing from it");
    }
}
