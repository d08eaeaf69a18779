package io.tern.raft.core;

import io.tern.raft.types.LogEntry;
import io.tern.raft.core.Message.AppendEntries;
import io.tern.raft.core.Message.AppendEntriesResponse;
import io.tern.raft.core.Message.Heartbeat;
import io.tern.raft.core.Message.HeartbeatResponse;
import io.tern.raft.core.Message.InstallSnapshot;
import io.tern.raft.core.Message.InstallSnapshotResponse;
import io.tern.raft.core.Message.ProposeRequest;
import io.tern.raft.core.Message.ProposeResponse;
import io.tern.raft.core.Message.ReadIndexRequest;
import io.tern.raft.core.Message.ReadIndexResponse;
import io.tern.raft.core.Message.TimeoutNow;
import io.tern.raft.core.log.ReplicatedLog;
import io.tern.raft.core.propose.FollowerProposals;
import io.tern.raft.core.read.FollowerReads;
import java.util.List;

/**
 * A follower: takes entries, commit indexes and snapshots from its leader, asks it for the read
 * index of its own linearizable reads, and hands it the proposals made here.
 */
final class FollowerState implements RoleState {

    private final RaftCore core;
    private final ReplicatedLog log;
    private final FollowerReads reads = new FollowerReads();
    private final FollowerProposals proposals = new FollowerProposals();
    /** Whether this role has had an AppendEntries from its leader: only those carry its commit index uncapped. */
    private boolean appendSeen;
    /** The highest commit index this role's leader announced in an AppendEntries. */
    private long leaderCommitSeen;
    /** Ticks of this role without a known leader. */
    private int leaderlessTicks;
    /** Whether this role granted a vote: its candidate may have won without having said so yet. */
    private boolean votedHere;

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
                List<Long> answered = reads.settled(m.context());
                if (FollowerReads.tooFarBehind(m.readIndex(), log.lastIndex())) {
                    core.abandonedReads.addAll(answered);
                } else {
                    answered.forEach(readId -> core.readStates.add(new ReadState(readId, m.readIndex())));
                }
            }
            case ProposeResponse m -> onProposeResponse(m);
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
     * Whether this follower lacks so much of its leader's log (catching up after a restart or a
     * partition, or installing a snapshot) that a proposal's answer would wait for all of it: such
     * proposals are better sent to the leader whole, where they are answered as soon as they commit.
     * Until its leader's first AppendEntries of this role (heartbeats cap the commit index they carry)
     * it cannot tell, and counts as catching up.
     */
    boolean catchingUp() {
        return !appendSeen || log.hasPendingSnapshot()
                || FollowerReads.tooFarBehind(leaderCommitSeen, log.lastIndex());
    }

    /** Hands {@code command} to the leader with the next request (see {@link FollowerProposals}). */
    void forward(long proposalId, byte[] command) {
        proposals.add(proposalId, command);
    }

    /**
     * Gives up the reads and proposals whose request the leader has not answered within an election
     * timeout: by then it has most likely lost its leadership, or the answer was lost with a connection.
     */
    void tick() {
        if (core.lead == RaftCore.NONE && leaderlessTicks < Integer.MAX_VALUE) {
            leaderlessTicks++;
        }
        int limit = core.config.electionTicks();
        core.abandonedReads.addAll(reads.tick(limit));
        unanswered(proposals.tick(limit), "the leader did not answer within an election timeout");
    }

    void grantedAVote() {
        votedHere = true;
    }

    /**
     * Whether no leader is likely about to make itself heard here: this role granted no vote (whose
     * candidate may have won), and has gone longer than a heartbeat interval without a leader (a live
     * one would have sent a heartbeat by now).
     */
    boolean noLeaderInSight() {
        return !votedHere && leaderlessTicks > core.config.heartbeatTicks();
    }

    /** See {@link RaftCore#requestNotSent}; an answered or given-up request's context is ignored. */
    void requestNotSent(long context) {
        core.abandonedReads.addAll(reads.settled(context));
        proposals.settled(context).forEach(id -> core.forwardedProposals.add(new ForwardedProposal(id,
                new ProposeResult.Rejected(Rejection.NOT_LEADER, core.lead, "the request never left for the leader"))));
    }

    @Override
    public void flush() {
        if (reads.readyToAsk()) {
            long context = core.nextRequestContext();
            reads.startRequest(context);
            core.send(new ReadIndexRequest(core.id, core.lead, core.term, context));
        }
        while (proposals.hasGathered()) {
            FollowerProposals.Request request = proposals.takeRequest(core.nextRequestContext(),
                    core.config.maxAppendBytes(), RaftConfig.BYTES_COUNTED_PER_ENTRY);
            core.send(new ProposeRequest(core.id, core.lead, core.term, request.context(), request.commands()));
        }
    }

    @Override
    public void onExit() {
        core.abandonedReads.addAll(reads.abandonAll());
        FollowerProposals.Abandoned abandoned = proposals.abandonAll();
        // Never sent: appended nowhere, so the driver may send them to the leader another way.
        abandoned.unsent().forEach(id -> core.forwardedProposals.add(
                new ForwardedProposal(id, new ProposeResult.Rejected(Rejection.NOT_LEADER, RaftCore.NONE))));
        unanswered(abandoned.unanswered(), "the leader changed before it answered");
    }

    private void onProposeResponse(ProposeResponse m) {
        List<Long> answered = proposals.settled(m.context());
        long handedOut = core.handedOutIndex();
        for (int i = 0; i < answered.size(); i++) {
            long proposalId = answered.get(i);
            ProposeResult result;
            if (i >= m.accepted() && m.rejection() == null) {
                result = new ProposeResult.Unanswered("the leader's answer placed " + m.accepted() + " of "
                        + answered.size() + " proposals and refused none");
            } else if (i >= m.accepted()) {
                // A member that does not lead names no leader; a leader that refused names itself.
                result = new ProposeResult.Rejected(m.rejection(),
                        m.rejection() == Rejection.NOT_LEADER ? RaftCore.NONE : m.from());
            } else if (m.firstIndex() + i <= handedOut) {
                // Its entry already went to the state machine, unwatched: committed or not, its result is gone.
                result = new ProposeResult.Unanswered("the leader's answer came after index " + (m.firstIndex() + i)
                        + " was applied");
            } else {
                result = new ProposeResult.Accepted(m.firstIndex() + i, m.term());
            }
            core.forwardedProposals.add(new ForwardedProposal(proposalId, result));
        }
    }

    private void unanswered(List<Long> proposalIds, String reason) {
        proposalIds.forEach(id -> core.forwardedProposals.add(
                new ForwardedProposal(id, new ProposeResult.Unanswered(reason))));
    }

    private void onAppendEntries(AppendEntries m) {
        appendSeen = true;
        leaderCommitSeen = Math.max(leaderCommitSeen, m.leaderCommit());
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
