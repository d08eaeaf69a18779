package io.tern.raft.core;

import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;
import io.tern.raft.types.EntryKind;
import io.tern.raft.types.LogEntry;
import io.tern.raft.core.Message.AppendEntriesResponse;
import io.tern.raft.core.Message.HeartbeatResponse;
import io.tern.raft.core.Message.InstallSnapshotResponse;
import io.tern.raft.core.Message.ProposeRequest;
import io.tern.raft.core.Message.ProposeResponse;
import io.tern.raft.core.Message.ReadIndexRequest;
import io.tern.raft.core.Message.ReadIndexResponse;
import io.tern.raft.core.Message.TimeoutNow;
import io.tern.raft.core.log.ReplicatedLog;
import io.tern.raft.core.progress.ProgressTracker;
import io.tern.raft.core.quorum.Quorum;
import io.tern.raft.core.read.ReadIndexQueue;
import io.tern.raft.core.read.ReadIndexQueue.ConfirmedRead;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The leader: takes proposals (with flow control), commits by quorum, serves ReadIndex, runs
 * membership changes and leadership transfers; {@link Replicator} does the sending. Replication
 * messages are not sent as events arrive but in {@link #flush()}, just before a {@link Ready} is cut,
 * so that every proposal made in between travels in one AppendEntries per follower.
 */
final class LeaderState implements RoleState {

    private final RaftCore core;
    private final ReplicatedLog log;
    private final ProgressTracker tracker;
    private final Replicator replicator;
    private final ReadIndexQueue reads;
    private int heartbeatElapsed;
    private long transferee = RaftCore.NONE;
    private long pendingConfigIndex;
    /** Payload bytes of this term's entries not yet committed, and each entry's share, oldest first. */
    private long uncommittedBytes;
    private final ArrayDeque<long[]> uncommitted = new ArrayDeque<>();
    /**
     * The contexts of the proposal requests each follower sent this leader, the latest ones: a request
     * that arrives twice (a network may duplicate a message) must not append its commands twice.
     * Requests of an earlier term never reach a leader, so one term's worth is all there is to know.
     */
    private final Map<Long, Set<Long>> proposalContextsSeen = new HashMap<>();
    /** How many of a follower's latest request contexts are remembered; it sends at most one per Ready. */
    static final int PROPOSAL_CONTEXTS_REMEMBERED = 4096;

    LeaderState(RaftCore core) {
        this.core = core;
        this.log = core.log;
        this.tracker = new ProgressTracker(core.id, core.config.maxInflightAppends());
        this.replicator = new Replicator(core, tracker);
        this.reads = new ReadIndexQueue(core.id);
    }

    /** Takes office: everyone's position is unknown, and a no-op of this term lets earlier entries commit. */
    void start() {
        tracker.reconfigure(core.configs.current(), log.lastIndex() + 1);
        tracker.self().acknowledge(log.durableLastIndex());
        log.append(List.of(LogEntry.noop(log.lastIndex() + 1, core.term)));
        // No configuration change until the no-op commits: a leader must commit an entry of its own
        // term before changing the configuration (the single-server change fix, Raft thesis 4.1).
        pendingConfigIndex = log.lastIndex();
    }

    @Override
    public Role role() {
        return Role.LEADER;
    }

    long transferee() {
        return transferee;
    }

    ProgressTracker tracker() {
        return tracker;
    }

    // --- requests from the driver ---

    ProposeResult propose(EntryKind kind, byte[] payload) {
        if (payload.length > core.config.maxEntryBytes()) {
            return new ProposeResult.Rejected(Rejection.TOO_LARGE, core.id);
        }
        if (transferee != RaftCore.NONE) {
            return new ProposeResult.Rejected(Rejection.LEADERSHIP_TRANSFER_IN_PROGRESS, core.id);
        }
        if (core.applierBehind
                || uncommittedBytes > 0 && uncommittedBytes + payload.length > core.config.maxUncommittedBytes()) {
            return new ProposeResult.Rejected(Rejection.OVERLOADED, core.id);
        }
        long index = log.lastIndex() + 1;
        log.append(List.of(new LogEntry(index, core.term, kind, payload)));
        if (payload.length > 0) {
            uncommitted.add(new long[] {index, payload.length});
            uncommittedBytes += payload.length;
        }
        return new ProposeResult.Accepted(index, core.term);
    }

    ProposeResult proposeMembership(Membership next) {
        if (transferee != RaftCore.NONE) {
            return new ProposeResult.Rejected(Rejection.LEADERSHIP_TRANSFER_IN_PROGRESS, core.id);
        }
        if (pendingConfigIndex > log.commitIndex()) {
            return new ProposeResult.Rejected(Rejection.CONFIG_CHANGE_PENDING, core.id);
        }
        if (!isSingleServerChange(core.configs.current(), next)) {
            return new ProposeResult.Rejected(Rejection.INVALID_CONFIG_CHANGE, core.id);
        }
        Optional<ProposeResult.Rejected> unsafe = ReconfigurationGuard.check(core.configs.current(), next, core.id,
                id -> tracker.heardWithin(id, core.config.electionTicks()),
                id -> tracker.get(id) == null ? 0 : tracker.get(id).match(), tracker.self().match());
        if (unsafe.isPresent()) {
            return unsafe.get();
        }
        ProposeResult result = propose(EntryKind.CONFIG, next.encode());
        if (!(result instanceof ProposeResult.Accepted accepted)) {
            return result;
        }
        long index = accepted.index();
        pendingConfigIndex = index;
        core.configs.append(index, next);
        // New members start probing at the CONFIG entry itself.
        tracker.reconfigure(next, index);
        return result;
    }

    /**
     * Single-server changes are safe without joint consensus because any majority of the old voters
     * and any majority of the new ones overlap when the voter sets differ by one member.
     */
    static boolean isSingleServerChange(Membership from, Membership to) {
        Set<Long> before = new HashSet<>(from.voterIds());
        Set<Long> after = new HashSet<>(to.voterIds());
        if (after.isEmpty()) {
            return false;
        }
        Set<Long> added = new HashSet<>(after);
        added.removeAll(before);
        Set<Long> removed = new HashSet<>(before);
        removed.removeAll(after);
        return added.size() + removed.size() <= 1;
    }

    void readIndex(long readId) {
        readIndexFor(core.id, readId);
    }

    /** @param readId the leader's own read id, or a follower's context */
    private void readIndexFor(long requester, long readId) {
        if (committedInTerm()) {
            reads.add(requester, readId, log.commitIndex());
        } else {
            reads.deferUntilTermCommit(requester, readId);
        }
        confirmReadsIfAlone();
    }

    Optional<Rejection> transferLeadership(long target) {
        if (target == core.id) {
            return Optional.empty();
        }
        if (!tracker.isVoter(target)) {
            return Optional.of(Rejection.NOT_A_VOTER);
        }
        if (target != transferee) {
            transferee = target;
            // The transfer gets one election timeout to finish.
            core.electionTimer.restart();
        }
        if (tracker.get(target).match() == log.lastIndex()) {
            core.send(new TimeoutNow(core.id, target, core.term));
        }
        return Optional.empty();
    }

    void reportSnapshot(long peer, boolean success) {
        replicator.reportSnapshot(peer, success);
    }

    void reportUnreachable(long peer) {
        replicator.reportUnreachable(peer);
    }

    // --- time ---

    void tick() {
        heartbeatElapsed++;
        if (core.electionTimer.tickLeaderPeriod()) {
            // Asked before this tick is counted: "heard within T ticks" is then "heard since the last check".
            if (core.config.checkQuorum() && !tracker.quorumActive(core.config.electionTicks())) {
                core.becomeFollower(core.term, RaftCore.NONE);
                return;
            }
            transferee = RaftCore.NONE;
        }
        tracker.tick();
        replicator.tickSnapshots();
        if (heartbeatElapsed >= core.config.heartbeatTicks()) {
            heartbeatElapsed = 0;
            replicator.broadcastHeartbeat(reads.lastRound());
        }
    }

    // --- messages ---

    @Override
    public void step(Message message) {
        switch (message) {
            case AppendEntriesResponse m -> onAppendResponse(m);
            case HeartbeatResponse m -> onHeartbeatResponse(m);
            case InstallSnapshotResponse m -> onSnapshotResponse(m);
            case ReadIndexRequest m -> readIndexFor(m.from(), m.context());
            case ProposeRequest m -> proposeFor(m);
            default -> {
                // Vote answers that arrive after winning, or messages a leader has no use for.
            }
        }
    }

    /**
     * Appends a follower's proposals in the order sent, as if proposed here, up to the first one
     * refused; that one and the rest are refused for the same reason. The answer goes before the
     * entries' AppendEntries on the same channel, so the follower knows their places before it can
     * apply them.
     */
    private void proposeFor(ProposeRequest m) {
        Set<Long> seen = proposalContextsSeen.computeIfAbsent(m.from(), peer -> Collections.newSetFromMap(
                new LinkedHashMap<>() {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
                        return size() > PROPOSAL_CONTEXTS_REMEMBERED;
                    }
                }));
        if (!seen.add(m.context())) {
            return; // a copy of a request already answered: its answer placed its commands
        }
        long firstIndex = log.lastIndex() + 1;
        int accepted = 0;
        Rejection rejection = null;
        for (byte[] command : m.commands()) {
            if (propose(EntryKind.COMMAND, command) instanceof ProposeResult.Rejected refused) {
                rejection = refused.reason();
                break;
            }
            accepted++;
        }
        core.send(new ProposeResponse(core.id, m.from(), core.term, m.context(), firstIndex, accepted, rejection));
    }

    private void onAppendResponse(AppendEntriesResponse m) {
        if (!replicator.onAppendResponse(m)) {
            return;
        }
        maybeCommit();
        if (!stillLeading()) {
            return; // the commit was our own removal
        }
        if (m.from() == transferee && tracker.get(m.from()).match() == log.lastIndex()) {
            core.send(new TimeoutNow(core.id, m.from(), core.term));
        }
    }

    private void onHeartbeatResponse(HeartbeatResponse m) {
        if (replicator.onHeartbeatResponse(m.from())) {
            deliver(reads.acknowledge(m.from(), m.readContext(), tracker.voters()));
        }
    }

    private void onSnapshotResponse(InstallSnapshotResponse m) {
        if (replicator.onSnapshotResponse(m)) {
            maybeCommit();
        }
    }

    // --- commit ---

    @Override
    public void onPersisted() {
        tracker.self().acknowledge(log.durableLastIndex());
        maybeCommit();
    }

    /** Commits by counting replicas, but only an entry of this term (Raft paper, figure 8). */
    private void maybeCommit() {
        long quorumMatch = tracker.quorumMatch();
        if (quorumMatch > log.commitIndex() && log.termOrUnknown(quorumMatch) == core.term) {
            core.commitTo(quorumMatch);
        }
    }

    @Override
    public void onCommit() {
        while (!uncommitted.isEmpty() && uncommitted.peek()[0] <= log.commitIndex()) {
            uncommittedBytes -= uncommitted.poll()[1];
        }
        if (committedInTerm()) {
            reads.termCommitted(log.commitIndex());
            confirmReadsIfAlone();
        }
        boolean stillVoter = core.configs.at(log.commitIndex()).member(core.id).map(Member::voter).orElse(false);
        if (!stillVoter) {
            // Our removal is committed: the rest of the cluster no longer needs us (Raft thesis 4.2.2).
            core.becomeFollower(core.term, RaftCore.NONE);
        }
    }

    private boolean stillLeading() {
        return core.roleState() == this;
    }

    private boolean committedInTerm() {
        return log.termOrUnknown(log.commitIndex()) == core.term;
    }

    private void confirmReadsIfAlone() {
        if (committedInTerm() && Quorum.isQuorum(tracker.voters(), id -> id == core.id)) {
            deliver(reads.confirmAllAlone());
        }
    }

    /** Hands safe reads to the driver, or for a follower's request, its answer to the follower. */
    private void deliver(List<ConfirmedRead> safe) {
        for (ConfirmedRead read : safe) {
            if (read.requester() == core.id) {
                core.readStates.add(new ReadState(read.readId(), read.index()));
            } else {
                core.send(new ReadIndexResponse(core.id, read.requester(), core.term, read.readId(), read.index()));
            }
        }
    }

    @Override
    public void onExit() {
        core.abandonedReads.addAll(reads.abandonAll());
    }

    // --- sending ---

    @Override
    public void flush() {
        if (reads.needsRound()) {
            if (Quorum.isQuorum(tracker.voters(), id -> id == core.id)) {
                confirmReadsIfAlone();
            } else {
                replicator.broadcastHeartbeat(reads.startRound());
            }
        }
        replicator.sendAll();
    }
}
