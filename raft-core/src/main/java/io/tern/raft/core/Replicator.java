package io.tern.raft.core;

import io.tern.raft.types.LogEntry;
import io.tern.raft.core.Message.AppendEntries;
import io.tern.raft.core.Message.AppendEntriesResponse;
import io.tern.raft.core.Message.Heartbeat;
import io.tern.raft.core.Message.InstallSnapshot;
import io.tern.raft.core.Message.InstallSnapshotResponse;
import io.tern.raft.core.log.ReplicatedLog;
import io.tern.raft.core.progress.ProgressTracker;
import io.tern.raft.core.progress.ReplicationProgress;
import io.tern.raft.core.progress.ReplicationProgress.State;
import java.util.List;

/**
 * A leader's replication to each follower: what to send next (entries, a probe, a snapshot or a
 * heartbeat) and how each answer moves the follower's {@link ReplicationProgress}. Deciding what is
 * committed is the leader's business, not this class's.
 */
final class Replicator {

    private final RaftCore core;
    private final ReplicatedLog log;
    private final ProgressTracker tracker;

    Replicator(RaftCore core, ProgressTracker tracker) {
        this.core = core;
        this.log = core.log;
        this.tracker = tracker;
    }

    /** Sends every follower whatever it lacks, as far as its window allows. */
    void sendAll() {
        for (long peer : tracker.peers()) {
            sendAppends(peer);
        }
    }

    /**
     * Heartbeats carry the commit index capped at what each follower is known to hold, so that a
     * follower never commits an entry it has not verified against this leader's log.
     */
    void broadcastHeartbeat(long readRound) {
        for (long peer : tracker.peers()) {
            long commit = Math.min(tracker.get(peer).match(), log.commitIndex());
            core.send(new Heartbeat(core.id, peer, core.term, commit, readRound));
        }
    }

    /** Fills the follower's pipelining window (or sends its one probe) with whatever it lacks. */
    private void sendAppends(long peer) {
        ReplicationProgress progress = tracker.get(peer);
        while (!progress.isPaused()) {
            long next = progress.next();
            long prevTerm = log.termOrUnknown(next - 1);
            if (prevTerm == ReplicatedLog.UNKNOWN || next < log.firstIndex()) {
                sendSnapshot(peer, progress);
                return;
            }
            boolean hasEntries = next <= log.lastIndex();
            if (!hasEntries && progress.commitSent() >= log.commitIndex() && !progress.wantsResync()) {
                return;
            }
            List<LogEntry> entries = hasEntries
                    ? log.entries(next, log.lastIndex() + 1, core.config.maxAppendBytes())
                    : List.of();
            core.send(new AppendEntries(core.id, peer, core.term, next - 1, prevTerm, entries, log.commitIndex()));
            progress.sent(next - 1 + entries.size(), entries.size(), log.commitIndex());
            if (entries.isEmpty()) {
                return;
            }
        }
    }

    private void sendSnapshot(long peer, ReplicationProgress progress) {
        SnapshotMeta snapshot = log.snapshot();
        progress.becomeSnapshot(snapshot.index());
        core.send(new InstallSnapshot(core.id, peer, core.term, snapshot));
    }

    /** Returns whether the follower's match index grew (the leader may then commit more). */
    boolean onAppendResponse(AppendEntriesResponse m) {
        ReplicationProgress progress = tracker.get(m.from());
        if (progress == null) {
            return false;
        }
        progress.markActive();
        if (!m.success()) {
            progress.reject(m.rejectedIndex(), nextFromHint(m));
            return false;
        }
        boolean grew = progress.acknowledge(m.matchIndex());
        if (progress.state() == State.PROBE && progress.match() == m.matchIndex()) {
            progress.becomeReplicate();
        } else if (progress.state() == State.SNAPSHOT && progress.match() >= progress.pendingSnapshot()) {
            progress.becomeProbe();
        }
        return grew;
    }

    /** Fast backtracking: skip every entry of the follower's conflicting term in one step. */
    private long nextFromHint(AppendEntriesResponse m) {
        if (m.conflictTerm() == 0) {
            return m.conflictIndex();
        }
        long lastOfTerm = log.lastIndexOfTerm(m.conflictTerm(), m.rejectedIndex());
        return lastOfTerm > 0 ? lastOfTerm + 1 : m.conflictIndex();
    }

    /** Returns false for a peer that is not (any more) a member. */
    boolean onHeartbeatResponse(long peer) {
        ReplicationProgress progress = tracker.get(peer);
        if (progress == null) {
            return false;
        }
        progress.heartbeatAnswered(log.lastIndex());
        return true;
    }

    /** Returns whether the follower's match index grew. */
    boolean onSnapshotResponse(InstallSnapshotResponse m) {
        ReplicationProgress progress = tracker.get(m.from());
        if (progress == null) {
            return false;
        }
        progress.markActive();
        boolean grew = progress.acknowledge(m.matchIndex());
        if (progress.state() == State.SNAPSHOT) {
            progress.becomeProbe();
        }
        return grew;
    }

    void reportSnapshot(long peer, boolean success) {
        ReplicationProgress progress = tracker.get(peer);
        if (progress == null || progress.state() != State.SNAPSHOT) {
            return;
        }
        if (success) {
            progress.becomeProbe();
        } else {
            progress.abortSnapshot();
        }
    }

    void reportUnreachable(long peer) {
        ReplicationProgress progress = tracker.get(peer);
        if (progress != null && progress.state() == State.REPLICATE) {
            progress.becomeProbe();
        }
    }

    /** A snapshot unanswered for too long is presumed lost: probe again (which resends it if still needed). */
    void tickSnapshots() {
        for (long peer : tracker.peers()) {
            ReplicationProgress progress = tracker.get(peer);
            if (progress.snapshotTimedOut(core.config.snapshotTimeoutTicks())) {
                progress.abortSnapshot();
            }
        }
    }
}
