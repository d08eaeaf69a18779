package io.tern.raft.core;

import io.tern.raft.types.LogEntry;
import io.tern.raft.core.Message.AppendEntries;
import io.tern.raft.core.Message.AppendEntriesResponse;
import io.tern.raft.core.Message.Heartbeat;
import io.tern.raft.core.Message.HeartbeatResponse;
import io.tern.raft.core.Message.InstallSnapshot;
import io.tern.raft.core.Message.InstallSnapshotResponse;
import io.tern.raft.core.Message.ReadIndexRequest;
import io.tern.raft.core.Message.ReadIndexResponse;
import io.tern.raft.core.Message.TimeoutNow;
import io.tern.raft.core.log.ReplicatedLog;
import io.tern.raft.core.read.FollowerReads;
import java.util.List;

/**
 * A follower: takes entries, commit indexes and snapshots from its leader, and asks it for the read
 * index of its own linearizable reads.
 */
final class FollowerState implements RoleState {

    private final RaftCore core;
    private final ReplicatedLog log;
    private final FollowerReads reads = new FollowerReads();

    FollowerState(RaftCore core) {
        this.core = core;
        this.log = core.log;
    }

    @Override
    public Role role() {
        return Role.FOLLOWER;
    }

    @Override
    public void step(Message message) {
        switch (message) {
            case AppendEntries m -> {
                core.heardFromLeader(m.from());
                onAppendEntries(m);
            }
            case Heartbeat m -> {
                core.heardFromLeader(m.from());
                onHeartbeat(m);
            }
            case InstallSnapshot m -> {
                core.heardFromLeader(m.from());
                onInstallSnapshot(m);
            }
            case ReadIndexResponse m -> {
                List<Long> answered = reads.answered(m.context());
                if (FollowerReads.tooFarBehind(m.readIndex(), log.lastIndex())) {
                    core.abandonedReads.addAll(answered);
                } else {
                    answered.forEach(readId -> core.readStates.add(new ReadState(readId, m.readIndex())));
                }
            }
            case TimeoutNow m -> {
                if (core.promotable()) {
                    core.becomeCandidate(true);
                }
            }
            default -> {
                // Responses meant for an earlier role of this node.
            }
        }
    }

    /** Asks the leader for the read index of {@code readId}, with the next request (see {@link FollowerReads}). */
    void readIndex(long readId) {
        reads.add(readId);
    }

    /**
     * Gives up the reads whose request the leader has not answered within an election timeout: by
     * then it has most likely lost its leadership, or the answer was lost with a connection.
     */
    void tick() {
        core.abandonedReads.addAll(reads.tick(core.config.electionTicks()));
    }

    @Override
    public void flush() {
        if (reads.readyToAsk()) {
            long context = core.nextReadContext();
            reads.startRequest(context);
            core.send(new ReadIndexRequest(core.id, core.lead, core.term, context));
        }
    }

    @Override
    public void onExit() {
        core.abandonedReads.addAll(reads.abandonAll());
    }

    private void onAppendEntries(AppendEntries m) {
        long prev = m.prevLogIndex();
        List<LogEntry> entries = m.entries();
        long commit = log.commitIndex();
        if (prev < commit) {
            // Entries up to our commit index are committed, so they agree with every leader's log:
            // skip them instead of checking a term we may have compacted.
            int skip = (int) Math.min(entries.size(), commit - prev);
            entries = entries.subList(skip, entries.size());
            if (entries.isEmpty()) {
                reply(AppendEntriesResponse.accepted(core.id, m.from(), core.term, commit));
                return;
            }
            prev = commit;
        } else if (!log.matchTerm(prev, m.prevLogTerm())) {
            reply(conflict(m.from(), prev));
            return;
        }
        core.logAppended(log.appendFromLeader(entries));
        long lastNew = prev + entries.size();
        // Only what this message proved to match may be committed from it.
        core.commitTo(Math.min(m.leaderCommit(), lastNew));
        reply(AppendEntriesResponse.accepted(core.id, m.from(), core.term, lastNew));
    }

    private AppendEntriesResponse conflict(long leader, long prev) {
        long last = log.lastIndex();
        if (prev > last) {
            return AppendEntriesResponse.rejected(core.id, leader, core.term, prev, 0, last + 1);
        }
        long conflictTerm = log.termOrUnknown(prev);
        long firstOfTerm = log.firstIndexOfTermAt(prev, log.commitIndex() + 1);
        return AppendEntriesResponse.rejected(core.id, leader, core.term, prev, conflictTerm, firstOfTerm);
    }

    private void onHeartbeat(Heartbeat m) {
        // The leader caps the commit index at what it knows we hold, so it is safe to take as is.
        core.commitTo(Math.min(m.leaderCommit(), log.lastIndex()));
        reply(new HeartbeatResponse(core.id, m.from(), core.term, m.readContext()));
    }

    private void onInstallSnapshot(InstallSnapshot m) {
        SnapshotMeta snapshot = m.snapshot();
        if (snapshot.index() <= log.commitIndex()) {
            reply(new InstallSnapshotResponse(core.id, m.from(), core.term, log.commitIndex()));
            return;
        }
        if (log.matchTerm(snapshot.index(), snapshot.term())) {
            // We hold the snapshot's last entry, hence (log matching) everything before it: no install needed.
            core.commitTo(snapshot.index());
        } else {
            core.restore(snapshot);
        }
        reply(new InstallSnapshotResponse(core.id, m.from(), core.term, snapshot.index()));
    }

    private void reply(Message message) {
        core.send(message);
    }
}
