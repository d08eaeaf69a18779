package io.tern.raft.core;

import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;
import io.tern.raft.types.EntryKind;
import io.tern.raft.types.LogEntry;
import io.tern.raft.core.Message.AppendEntries;
import io.tern.raft.core.Message.Heartbeat;
import io.tern.raft.core.Message.HeartbeatResponse;
import io.tern.raft.core.Message.InstallSnapshot;
import io.tern.raft.core.Message.PreVote;
import io.tern.raft.core.Message.PreVoteResponse;
import io.tern.raft.core.Message.ProposeRequest;
import io.tern.raft.core.Message.ProposeResponse;
import io.tern.raft.core.Message.RequestVote;
import io.tern.raft.core.Message.TimeoutNow;
import io.tern.raft.core.config.ConfigHistory;
import io.tern.raft.core.log.ReplicatedLog;
import io.tern.raft.core.progress.ReplicationProgress;
import io.tern.raft.core.quorum.Quorum.VoteResult;
import io.tern.raft.core.quorum.VoteTally;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.random.RandomGenerator;

/**
 * One Raft node as a pure state machine (in the style of etcd-io/raft): no I/O, no clock, no threads.
 *
 * <p>Inputs: {@link #tick()}, {@link #step(Message)}, {@link #propose(byte[])}, {@link #proposeHere(long, byte[])},
 * {@link #proposeMembership(Membership)}, {@link #readIndex(long)}, {@link #transferLeadership(long)}.
 * Output: {@link #ready()}, a batch of work that the driver carries out as {@link Ready} describes and
 * acknowledges with {@link #advance(Ready)}. At most one batch is outstanding at a time.
 *
 * <p>Not thread-safe: one driver thread owns a core.
 */
public final class RaftCore {

    /** "No node": no vote cast, no leader known. Member ids are positive. */
    public static final long NONE = 0;

    final RaftConfig config;
    final long id;
    final ReplicatedLog log;
    final ConfigHistory configs;

    long term;
    long vote;
    long lead;
    private RoleState role;
    final ElectionTimer electionTimer;
    private final RandomGenerator random;
    /** The context of this node's last request to its leader (a follower's reads or proposals); 0 until the first. */
    private long lastRequestContext;
    private final VoteRequests votes = new VoteRequests(this);

    private final List<Message> outbox = new ArrayList<>();
    final List<ReadState> readStates = new ArrayList<>();
    final List<Long> abandonedReads = new ArrayList<>();
    final List<ForwardedProposal> forwardedProposals = new ArrayList<>();
    private HardState persisted;
    private Ready outstanding;
    /** The driver's state machine is behind: committed entries wait in the log, proposals are refused. */
    boolean applierBehind;

    /**
     * Starts a core on what {@code storage} holds.
     *
     * @param appliedIndex the index the state machine has already applied (at least the snapshot's);
     *                     committed entries after it are handed out in {@link Ready#committedEntries()}
     * @param random       source of election-timeout jitter; seeded in simulations
     */
    public RaftCore(RaftConfig config, RaftStorageView storage, long appliedIndex, RandomGenerator random) {
        this.config = Objects.requireNonNull(config, "config");
        this.id = config.id();
        this.random = Objects.requireNonNull(random, "random");
        this.electionTimer = new ElectionTimer(config.electionTicks(), random);
        this.log = new ReplicatedLog(storage, appliedIndex);
        SnapshotMeta snapshot = storage.snapshot();
        this.configs = new ConfigHistory(snapshot.index(), snapshot.membership());
        for (LogEntry entry : storage.configEntries()) {
            if (entry.index() > snapshot.index()) {
                configs.append(entry.index(), Membership.decode(entry.payload()));
            }
        }
        configs.committedUpTo(log.commitIndex());
        HardState hard = storage.hardState();
        this.term = hard.term();
        this.vote = hard.vote();
        this.persisted = hard;
        this.lead = NONE;
        this.role = new FollowerState(this);
    }

    /** A core whose state machine holds exactly the storage's snapshot. */
    public static RaftCore start(RaftConfig config, RaftStorageView storage, RandomGenerator random) {
        return new RaftCore(config, storage, storage.snapshot().index(), random);
    }

    // ------------------------------------------------------------------ inputs

    /** Advances logical time by one tick: election timeouts for followers, heartbeats and checks for a leader. */
    public void tick() {
        if (role instanceof LeaderState leader) {
            leader.tick();
            return;
        }
        if (role instanceof FollowerState follower) {
            follower.tick();
        }
        if (electionTimer.tickExpired() && promotable()) {
            campaign();
        }
    }

    /** Starts an election now (with pre-vote if configured), as if the election timer had fired. */
    public void campaign() {
        if (!promotable() || role instanceof LeaderState) {
            return;
        }
        if (config.preVote()) {
            becomePreCandidate();
        } else {
            becomeCandidate(false);
        }
    }

    /**
     * Feeds a message from a peer. Any message of a higher term makes this node a follower of that
     * term first, except pre-vote traffic (which never changes terms) and vote requests it ignores
     * (leader stickiness, removed members). Messages of a lower term are dropped, but a stale leader or
     * pre-candidate is told the current term.
     */
    public void step(Message message) {
        Objects.requireNonNull(message, "message");
        if (message.to() != id) {
            throw new IllegalArgumentException("message for " + message.to() + " stepped into " + id + ": " + message);
        }
        boolean voteRequest = message instanceof PreVote || message instanceof RequestVote;
        if (voteRequest && votes.ignores(message)) {
            return;
        }
        if (message.term() > term) {
            boolean keepsTerm = message instanceof PreVote || (message instanceof PreVoteResponse r && r.granted());
            if (!keepsTerm) {
                becomeFollower(message.term(), isFromLeader(message) ? message.from() : NONE);
            }
        } else if (message.term() < term) {
            answerStale(message);
            return;
        }
        if (voteRequest) {
            votes.answer(message);
        } else if (message instanceof ProposeRequest request && !(role instanceof LeaderState)) {
            refuseProposals(request);
        } else {
            role.step(message);
        }
    }

    /**
     * Proposes a client command. Only a leader accepts; batching is automatic: every proposal made
     * before the next {@link #ready()} travels in one append and one AppendEntries per follower.
     */
    public ProposeResult propose(byte[] command) {
        if (role instanceof LeaderState leader) {
            return leader.propose(EntryKind.COMMAND, command);
        }
        return new ProposeResult.Rejected(Rejection.NOT_LEADER, lead);
    }

    /**
     * Proposes a client command that this node takes, leader or not: a leader as {@link #propose};
     * a follower that knows its leader hands it over with the next batch of work and answers later,
     * in {@link Ready#forwardedProposals()} under {@code proposalId} (the leader must know
     * {@link Message.ProposeRequest}). Returns the answer when there is one at once: a leader's, or a
     * refusal (a candidate, a follower that knows no leader or lacks much of its leader's log, a
     * command over the size limit).
     */
    public Optional<ProposeResult> proposeHere(long proposalId, byte[] command) {
        if (role instanceof FollowerState follower && lead != NONE) {
            if (command.length > config.maxEntryBytes()) {
                return Optional.of(new ProposeResult.Rejected(Rejection.TOO_LARGE, lead));
            }
            if (follower.catchingUp()) {
                return Optional.of(new ProposeResult.Rejected(Rejection.NOT_LEADER, lead,
                        "this member is catching up with its leader's log"));
            }
            follower.forward(proposalId, command);
            return Optional.empty();
        }
        return Optional.of(propose(command));
    }

    /**
     * The driver's transport says that the request this node sent its leader under {@code context}
     * (its reads' or its proposals') never left: its connection was down, or the write failed. Its
     * proposals were appended nowhere and its reads confirmed nothing, so they are answered at once,
     * as not led here ({@link Ready#forwardedProposals()}, {@link Ready#abandonedReads()}), and may go
     * to the leader another way, instead of waiting an election timeout to be called unknown.
     */
    public void requestNotSent(long context) {
        if (role instanceof FollowerState follower) {
            follower.requestNotSent(context);
        }
    }

    /**
     * For a member that has just started: if it knows no leader, its first election timeout waits only
     * its random part, [1, T] ticks instead of [T, 2T), so a cluster restarted whole elects a leader
     * up to T sooner (etcd does the same at boot). Only with pre-vote: then an early candidate that
     * finds a live leader is refused before it raises the term, and hears from the leader meanwhile.
     */
    public void fastForwardElectionTimer() {
        if (config.preVote() && role instanceof FollowerState && lead == NONE) {
            electionTimer.fastForward();
        }
    }

    /**
     * A pre-candidate whose log is behind ours asked for our vote, so it knows no leader. If we know
     * none either, and none is likely about to make itself heard ({@link FollowerState#noLeaderInSight}),
     * we campaign at our next tick instead of waiting out our own timeout: it would vote for us, and it
     * cannot win without the entries we hold unless a quorum lacks them too. This is what lets a whole
     * cluster restarted at once elect soon after the first timer fires, whichever member's that was.
     * Only with pre-vote: an early campaign then raises no term unless it can win.
     */
    void refusedACandidateBehind() {
        if (config.preVote() && role instanceof FollowerState follower && lead == NONE && promotable()
                && follower.noLeaderInSight()) {
            electionTimer.expireAtNextTick();
        }
    }

    /**
     * Proposes a new configuration. It must differ from the current one by at most one voter
     * (learners may change freely) and takes effect as soon as it is appended; one change at a time.
     */
    public ProposeResult proposeMembership(Membership next) {
        if (role instanceof LeaderState leader) {
            return leader.proposeMembership(next);
        }
        return new ProposeResult.Rejected(Rejection.NOT_LEADER, lead);
    }

    /**
     * Asks for a linearizable read. When safe, {@link Ready#readStates()} carries {@code readId} with
     * the index the state machine must have applied before answering; if leadership is lost first,
     * {@link Ready#abandonedReads()} carries it.
     */
    public Optional<Rejection> readIndex(long readId) {
        if (role instanceof LeaderState leader) {
            leader.readIndex(readId);
            return Optional.empty();
        }
        return Optional.of(Rejection.NOT_LEADER);
    }

    /**
     * Asks for a linearizable read that this node serves itself, leader or not: as
     * {@link #readIndex(long)} on a leader; a follower that knows its leader asks it for the read
     * index (the leader must know {@link Message.ReadIndexRequest}). If the leader does not answer
     * within an election timeout, or this node changes role or term first, {@link Ready#abandonedReads()}
     * carries {@code readId}. A candidate, or a follower that knows no leader, refuses with NOT_LEADER.
     */
    public Optional<Rejection> readIndexHere(long readId) {
        if (role instanceof FollowerState follower && lead != NONE) {
            follower.readIndex(readId);
            return Optional.empty();
        }
        return readIndex(readId);
    }

    /**
     * Hands leadership to {@code target}: catch it up, refuse proposals meanwhile, then tell it to
     * campaign. Abandoned after an election timeout.
     */
    public Optional<Rejection> transferLeadership(long target) {
        if (role instanceof LeaderState leader) {
            return leader.transferLeadership(target);
        }
        return Optional.of(Rejection.NOT_LEADER);
    }

    /**
     * The driver says whether its state machine has fallen behind. While it has, no more committed
     * entries are handed out (they wait in the durable log) and a leader refuses proposals with
     * {@link Rejection#OVERLOADED}: applying pushes back on clients as replicating does
     * ({@link RaftConfig#maxUncommittedBytes()}).
     */
    public void applierBehind(boolean behind) {
        applierBehind = behind;
    }

    /** The driver finished (or gave up) streaming a snapshot to {@code peer}. */
    public void reportSnapshot(long peer, boolean success) {
        if (role instanceof LeaderState leader) {
            leader.reportSnapshot(peer, success);
        }
    }

    /**
     * The transport connected to {@code peer}, so what is sent to it from now on can arrive. A
     * candidate asks it again for the vote it has not answered: when a whole cluster restarts, the
     * first member to campaign may find its peers not yet listening, and without this it would wait
     * another election timeout, 1-2 s at the defaults, before asking again.
     */
    public void reportReachable(long peer) {
        if (role instanceof CandidateState candidate) {
            candidate.askAgain(peer);
        }
    }

    /** The transport lost its connection to {@code peer}: stop pipelining to it until it answers. */
    public void reportUnreachable(long peer) {
        if (role instanceof LeaderState leader) {
            leader.reportUnreachable(peer);
        }
    }

    // ------------------------------------------------------------------ output

    /**
     * Whether {@link #ready()} has work; false while a batch is outstanding. A leader prepares its
     * batched AppendEntries and heartbeats here, so call it after feeding inputs, not speculatively.
     */
    public boolean hasReady() {
        if (outstanding != null) {
            return false;
        }
        role.flush();
        return !outbox.isEmpty()
                || !hardState().equals(persisted)
                || log.unstableSnapshot() != null
                || log.hasUnstableEntries()
                || (!applierBehind && log.hasCommittedToApply())
                || !readStates.isEmpty()
                || !abandonedReads.isEmpty()
                || !forwardedProposals.isEmpty();
    }

    /**
     * Cuts the next batch of work. The driver must {@link #advance(Ready)} it before asking for the
     * next one.
     */
    public Ready ready() {
        if (outstanding != null) {
            throw new IllegalStateException("the previous Ready was not advanced");
        }
        role.flush();
        HardState hard = hardState();
        List<Message> now = new ArrayList<>();
        List<Message> afterPersist = new ArrayList<>();
        for (Message message : outbox) {
            (message.requiresDurableState() ? afterPersist : now).add(message);
        }
        Ready ready = new Ready(
                hard.equals(persisted) ? Optional.empty() : Optional.of(hard),
                Optional.ofNullable(log.unstableSnapshot()),
                log.truncationPoint(),
                log.unstableEntries(),
                applierBehind ? List.of() : log.nextCommittedEntries(config.maxApplyBytes()),
                now,
                afterPersist,
                readStates,
                abandonedReads,
                forwardedProposals,
                hard.term() != persisted.term() || hard.vote() != persisted.vote());
        outbox.clear();
        readStates.clear();
        abandonedReads.clear();
        forwardedProposals.clear();
        outstanding = ready;
        return ready;
    }

    /** The driver did what {@code ready} asked: it is durable, sent and applied. */
    public void advance(Ready ready) {
        if (ready != outstanding) {
            throw new IllegalArgumentException("advance of a Ready that is not the outstanding one");
        }
        outstanding = null;
        ready.hardState().ifPresent(h -> persisted = h);
        ready.snapshot().ifPresent(s -> log.snapshotStable(s.index()));
        if (!ready.entries().isEmpty()) {
            LogEntry last = ready.entries().get(ready.entries().size() - 1);
            log.stableTo(last.index(), last.term());
        }
        if (!ready.committedEntries().isEmpty()) {
            log.appliedTo(ready.committedEntries().get(ready.committedEntries().size() - 1).index());
        }
        role.onPersisted();
    }

    // ------------------------------------------------------------------ views

    public Status status() {
        long transferee = role instanceof LeaderState leader ? leader.transferee() : NONE;
        return new Status(id, role.role(), term, vote, lead, log.commitIndex(), log.appliedIndex(), log.firstIndex(),
                log.lastIndex(), configs.current(), transferee);
    }

    public long id() {
        return id;
    }

    public Role role() {
        return role.role();
    }

    public long term() {
        return term;
    }

    public long leaderId() {
        return lead;
    }

    public long commitIndex() {
        return log.commitIndex();
    }

    public long lastIndex() {
        return log.lastIndex();
    }

    /** The term of the entry at {@code index} in this node's log, if it holds it (durable or not). */
    public OptionalLong termAt(long index) {
        long t = log.termOrUnknown(index);
        return t == ReplicatedLog.UNKNOWN ? OptionalLong.empty() : OptionalLong.of(t);
    }

    /**
     * The configuration in force: the newest one in the log, committed or not. (A snapshot records the
     * configuration of its index instead: the last CONFIG entry the driver applied up to there.)
     */
    public Membership membership() {
        return configs.current();
    }

    /**
     * Whether this node is in touch with its cluster: a leader heard from a quorum of voters within the
     * base election timeout (the test check-quorum applies), anyone else heard from a known leader
     * within it. For health checks; a node that says no may still recover by itself.
     */
    public boolean inTouchWithQuorum() {
        if (role instanceof LeaderState leader) {
            return leader.tracker().quorumActive(config.electionTicks());
        }
        return lead != NONE && electionTimer.withinBaseTimeout();
    }

    /** Ticks since this follower last heard from its leader (meaningless on a leader or candidate). */
    public int ticksSinceLeaderContact() {
        return electionTimer.elapsed();
    }

    /** On a leader, every other member's match index and silence; empty on any other node. */
    public List<PeerContact> peerContacts() {
        if (!(role instanceof LeaderState leader)) {
            return List.of();
        }
        List<PeerContact> contacts = new ArrayList<>();
        for (long peer : leader.tracker().peers()) {
            ReplicationProgress progress = leader.tracker().get(peer);
            contacts.add(new PeerContact(peer, progress.match(), progress.quietTicks()));
        }
        return contacts;
    }

    /**
     * For a leader, the lowest log index that replicating to a member it is catching up still needs,
     * so that its driver does not compact the log from under that member and send it snapshot after
     * snapshot: the index of the snapshot on its way to a member (until that transfer ends or times
     * out), or the match of a member that answered within the base election timeout (a member that
     * went quiet otherwise needs nothing kept). The entry at that index is needed too: the
     * AppendEntries after it carry its term.
     * {@link Long#MAX_VALUE} when no member needs anything, and on a member that does not lead.
     */
    public long firstIndexPeersNeed() {
        if (role instanceof LeaderState leader) {
            return leader.tracker().firstIndexNeeded(config.electionTicks());
        }
        return Long.MAX_VALUE;
    }

    /** A leader's view of a peer's replication (for status and tests), or empty. */
    public Optional<String> progressOf(long peer) {
        if (role instanceof LeaderState leader && leader.tracker().get(peer) != null) {
            return Optional.of(leader.tracker().get(peer).toString());
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "RaftCore[" + id + " " + role.role() + " term=" + term + " lead=" + lead + " commit=" + log.commitIndex()
                + " last=" + log.lastIndex() + "]";
    }

    // ------------------------------------------------------------------ shared by the roles

    RoleState roleState() {
        return role;
    }

    HardState hardState() {
        return new HardState(term, vote, log.commitIndex());
    }

    /**
     * A context for a follower's request to its leader (reads or proposals), never used before by this
     * node. It starts at random, so that an answer to a request of this node's previous run (a restart)
     * cannot serve a read of this one, or place a proposal; the chance that two runs' numbers meet is
     * that of two random 62-bit numbers lying within a few million of each other.
     */
    long nextRequestContext() {
        if (lastRequestContext == 0) {
            lastRequestContext = 1 + (random.nextLong() >>> 2);
        }
        return ++lastRequestContext;
    }

    /**
     * The highest index whose entry has left the core for the state machine (applied, handed out in
     * the outstanding Ready, or covered by a snapshot): a proposal placed at or below it was placed
     * too late for its driver to wait for its entry.
     */
    long handedOutIndex() {
        long handedOut = Math.max(log.appliedIndex(), log.snapshot().index());
        if (log.unstableSnapshot() != null) {
            handedOut = Math.max(handedOut, log.unstableSnapshot().index());
        }
        if (outstanding != null) {
            List<LogEntry> committed = outstanding.committedEntries();
            if (!committed.isEmpty()) {
                handedOut = Math.max(handedOut, committed.getLast().index());
            }
            if (outstanding.snapshot().isPresent()) {
                handedOut = Math.max(handedOut, outstanding.snapshot().get().index());
            }
        }
        return handedOut;
    }

    /** A node that does not lead refuses a follower's proposals: it appended none of them. */
    private void refuseProposals(ProposeRequest request) {
        send(new ProposeResponse(id, request.from(), term, request.context(), 0, 0, Rejection.NOT_LEADER));
    }

    void send(Message message) {
        outbox.add(message);
    }

    /** Whether this node may campaign: it is a voter of its current configuration. */
    boolean promotable() {
        return configs.current().member(id).map(Member::voter).orElse(false);
    }

    /** Leader stickiness: with check-quorum, a leader heard from within the election timeout is presumed alive. */
    boolean inLease() {
        return config.checkQuorum() && lead != NONE && electionTimer.withinBaseTimeout();
    }

    private static boolean isFromLeader(Message message) {
        return message instanceof AppendEntries || message instanceof Heartbeat || message instanceof InstallSnapshot
                || message instanceof TimeoutNow;
    }

    /** A message from an older term: tell a stale leader or pre-candidate our term so it catches up. */
    private void answerStale(Message message) {
        if (isFromLeader(message) && !(message instanceof TimeoutNow)) {
            send(new HeartbeatResponse(id, message.from(), term, 0));
        } else if (message instanceof PreVote) {
            send(new PreVoteResponse(id, message.from(), term, false));
        }
    }

    void heardFromLeader(long leader) {
        electionTimer.restart();
        lead = leader;
    }

    void becomeFollower(long newTerm, long newLeader) {
        role.onExit();
        if (newTerm != term) {
            term = newTerm;
            vote = NONE;
        }
        lead = newLeader;
        role = new FollowerState(this);
        electionTimer.reset();
    }

    private void becomePreCandidate() {
        role.onExit();
        lead = NONE;
        VoteTally tally = new VoteTally(configs.current().voterIds());
        CandidateState candidate = new CandidateState(this, true, false, tally);
        role = candidate;
        electionTimer.reset();
        if (tally.record(id, true) == VoteResult.WON) {
            becomeCandidate(false);
            return;
        }
        candidate.requestVotes();
    }

    void becomeCandidate(boolean leadershipTransfer) {
        role.onExit();
        term++;
        vote = id;
        lead = NONE;
        VoteTally tally = new VoteTally(configs.current().voterIds());
        CandidateState candidate = new CandidateState(this, false, leadershipTransfer, tally);
        role = candidate;
        electionTimer.reset();
        if (tally.record(id, true) == VoteResult.WON) {
            becomeLeader();
            return;
        }
        candidate.requestVotes();
    }

    void becomeLeader() {
        role.onExit();
        lead = id;
        electionTimer.restart();
        LeaderState leader = new LeaderState(this);
        role = leader;
        leader.start();
    }

    void commitTo(long index) {
        if (index > log.commitIndex()) {
            log.commitTo(index);
            configs.committedUpTo(log.commitIndex());
            role.onCommit();
        }
    }

    /** Entries from a leader were written (replacing any from their first index on): follow their configurations. */
    void logAppended(List<LogEntry> written) {
        if (written.isEmpty()) {
            return;
        }
        configs.truncateFrom(written.get(0).index());
        for (LogEntry entry : written) {
            if (entry.kind() == EntryKind.CONFIG) {
                configs.append(entry.index(), Membership.decode(entry.payload()));
            }
        }
    }

    void restore(SnapshotMeta snapshot) {
        log.restore(snapshot);
        configs.reset(snapshot.index(), snapshot.membership());
    }
}
