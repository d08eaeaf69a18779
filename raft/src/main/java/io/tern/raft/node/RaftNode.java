package io.tern.raft.node;

import io.tern.platform.HostPort;
import io.tern.platform.StageTrace;
import io.tern.platform.StageTrace.Stage;
import io.tern.raft.types.LogEntry;
import io.tern.raft.types.LogStorage;
import io.tern.raft.types.Member;
import io.tern.raft.types.MemberStorage;
import io.tern.raft.types.Membership;
import io.tern.raft.types.SnapshotChunk;
import io.tern.raft.types.StorageFailure;
import io.tern.raft.types.StoredSnapshot;
import io.tern.raft.types.TermStorage;
import io.tern.raft.core.ForwardedProposal;
import io.tern.raft.core.Message;
import io.tern.raft.core.PeerContact;
import io.tern.raft.core.ProposeResult;
import io.tern.raft.core.RaftConfig;
import io.tern.raft.core.RaftCore;
import io.tern.raft.core.Ready;
import io.tern.raft.core.Rejection;
import io.tern.raft.core.Role;
import io.tern.raft.core.SnapshotMeta;
import io.tern.raft.core.Status;
import io.tern.raft.transport.MessageStages;
import io.tern.raft.transport.PeerFrame;
import io.tern.raft.transport.PeerTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Supplier;

/**
 * One Raft member at work: the driver around the pure {@link RaftCore}.
 *
 * <p>Threads and who owns what:
 * <ul>
 *   <li>the <b>loop</b> thread owns the core: every input (a tick, a peer's message, a proposal, a
 *       read) runs on it, and so does taking each {@link Ready} and handing out its parts. It may be
 *       the peer transport's own event loop ({@link NodeRuntime#threadsWithLoopOn}), which then
 *       writes the loop's messages without a hand-off;</li>
 *   <li>the <b>log</b> thread makes a Ready durable: truncation, appends, hard state, one sync. While
 *       it syncs, the loop keeps taking inputs, and the next Ready gathers all of them into one
 *       append and one sync (group commit). The leader's messages leave before its own write;</li>
 *   <li>the <b>applier</b> thread applies committed entries and completes what waits on them;</li>
 *   <li>snapshot transfers read and write their files on their own threads, one chunk at a time, so
 *       heartbeats never queue behind a transfer.</li>
 * </ul>
 * The threads, the clock and the random source come from a {@link NodeRuntime}; the log, term and
 * vote, and the state machine from a {@link MemberStorage}. A simulation passes its own of both.
 */
public final class RaftNode implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RaftNode.class);

    private final NodeConfig config;
    private final MemberStorage storage;
    private final PeerTransport transport;
    private final NodeRuntime runtime;
    private final MemberStorageView storageView;
    private final RaftCore core;
    private final ExecutorService loop;
    private final ExecutorService logWriter;
    private final ScheduledExecutorService timers;
    private final Applier applier;
    private final ExecutorService applierExecutor;
    private final ExecutorService snapshotThread;
    private final SnapshotTransfers snapshots;
    private final FatalFailureListener onFatal;

    // Loop thread only.
    private Ready persisting;
    private long nextReadId = 1;
    private long nextProposalId = 1;
    /**
     * Proposals this follower handed to its leader, by the id the core knows them by, until the core
     * says what became of them (the loop adds and takes; stopping fails what is left).
     */
    private final Map<Long, CompletableFuture<Applied>> forwardedProposals = new ConcurrentHashMap<>();
    private final LongAdder proposalsHandedToLeader = new LongAdder();
    private Membership announcedMembers = Membership.EMPTY;
    private Role lastRole = Role.FOLLOWER;
    private long lastLeader;
    private long lastCampaignTerm;
    private boolean applierBehind;
    private final List<LeadershipListener> leadershipListeners = new ArrayList<>();
    /** The leadership last told to {@link #leadershipListeners}: leading in this term, or not (0). */
    private long toldLeadingTerm;
    /** What only the loop can read from the core, published after each turn of the loop. */
    private record CoreView(Role role, long term, long leaderId, String leaderAddress, long commitIndex,
                            Membership members) {
    }

    private volatile CoreView coreView;
    /** Published by the loop at every tick. */
    private volatile Contact contact;
    /** Written by the loop only. */
    private volatile long leaderChangesSeen;
    private volatile RaftOutcomeUnknownException failure;
    private final AtomicLong misaddressed = new AtomicLong();

    private RaftNode(NodeConfig config, MemberStorage storage, PeerTransport transport, NodeRuntime runtime,
                     FatalFailureListener onFatal) {
        this.config = config;
        this.onFatal = onFatal;
        this.storage = storage;
        this.transport = transport;
        this.runtime = runtime;
        bootstrapIfNew(config, storage);
        this.storageView = new MemberStorageView(storage);
        this.core = new RaftCore(config.raftConfig(), storageView, storage.appliedIndex(), runtime.random(config.id()));
        long id = config.id();
        this.loop = runtime.raftLoop("tern-raft-loop-" + id);
        this.logWriter = runtime.serialExecutor("tern-raft-log-" + id);
        // Nearly every request deadline is cancelled by its answer; left queued until it would have
        // fired, each would hold its request's future for the whole request timeout: the runtime's
        // timers drop a cancelled one at once.
        this.timers = runtime.timers("tern-raft-timer-" + id);
        this.applierExecutor = runtime.serialExecutor("tern-raft-apply-" + id);
        // Once the applier's backlog drops under its bound, the loop's drive() hands it what Raft held back.
        this.snapshotThread = runtime.serialExecutor("tern-snapshot-" + id);
        this.applier = new Applier(storage, applierExecutor, snapshotThread, runtime, config.snapshotEntries(),
                index -> onLoop(() -> afterSnapshotTaken(index)), () -> onLoop(() -> { }), this::fail);
        this.snapshots = new SnapshotTransfers(id, storage, transport, runtime, config.snapshotChunkBytes(),
                config.requestTimeout(), peer -> onLoop(() -> core.reportSnapshot(peer, false)));
        publishStatus();
        publishContact();
    }

    /**
     * Starts a member on opened storage. A new data directory is bootstrapped with
     * {@link NodeConfig#bootstrap()}; an existing one keeps the membership it has.
     */
    public static RaftNode start(NodeConfig config, MemberStorage storage, PeerTransport transport) {
        return start(config, storage, transport, FatalFailureListener.NONE);
    }

    /**
     * As {@link #start(NodeConfig, MemberStorage, PeerTransport)}, telling {@code onFatal} once if the
     * member has to stop because its storage or one of its threads failed.
     */
    public static RaftNode start(NodeConfig config, MemberStorage storage, PeerTransport transport,
                                 FatalFailureListener onFatal) {
        return start(config, storage, transport, NodeRuntime.threads(), onFatal);
    }

    /** As {@link #start(NodeConfig, MemberStorage, PeerTransport, FatalFailureListener)} on {@code runtime}'s threads and clock. */
    public static RaftNode start(NodeConfig config, MemberStorage storage, PeerTransport transport,
                                 NodeRuntime runtime, FatalFailureListener onFatal) {
        RaftNode node = new RaftNode(config, storage, transport, runtime, onFatal);
        transport.start(node.new Inbound());
        node.onLoop(node::announceMembers);
        node.onLoop(node.core::fastForwardElectionTimer);
        long tick = config.heartbeat().toMillis();
        node.timers.scheduleAtFixedRate(node.guarded(() -> node.onLoop(node::tick)), tick, tick,
                TimeUnit.MILLISECONDS);
        log.info("member {} started: term {}, applied {}, log {}..{}", config.id(), node.core.term(),
                storage.appliedIndex(), storage.log().firstIndex(), storage.log().lastIndex());
        return node;
    }

    private static void bootstrapIfNew(NodeConfig config, MemberStorage storage) {
        TermStorage terms = storage.terms();
        boolean fresh = terms.term() == 0 && terms.bootstrapMembership().members().isEmpty()
                && storage.log().lastIndex() == 0 && storage.latestSnapshot().isEmpty();
        if (fresh) {
            terms.saveBootstrapMembership(config.bootstrap());
        }
    }

    // ---------------------------------------------------------------- the public API

    /**
     * Proposes a command; completes with its revision and result once applied here, or fails with
     * {@link RaftNotLeaderException} (not applied) or {@link RaftOutcomeUnknownException} (timed out).
     */
    public CompletableFuture<Applied> propose(byte[] command) {
        return proposeWith(() -> core.propose(command));
    }

    /** Proposes a new configuration (one member added, removed or changed at a time). */
    public CompletableFuture<Applied> proposeMembership(Membership next) {
        return proposeWith(() -> core.proposeMembership(next));
    }

    private CompletableFuture<Applied> proposeWith(Supplier<ProposeResult> proposal) {
        CompletableFuture<Applied> future = withTimeout(new CompletableFuture<>(), "proposal");
        onLoopUnlessAnswered(future, () -> settle(future, proposal.get()));
        return future;
    }

    /**
     * Proposes a command that this member takes itself, leading or following: a follower hands it to
     * its leader over the members' channel (batched with the others of one Ready) and completes it
     * once it has applied the entry itself, with the same revision and result the leader computes.
     * Fails with {@link RaftNotLeaderException}, naming the leader if one is known, where the command
     * was appended nowhere and is better sent to the leader: no leader is known, the leader's build
     * predates forwarded proposals, this member's applier is behind (the answer would wait for it), or
     * this member left its role before sending it; with {@link RaftOutcomeUnknownException} where it
     * was sent and no answer came, as for a proposal that timed out.
     */
    public CompletableFuture<Applied> proposeHere(byte[] command) {
        CompletableFuture<Applied> future = withTimeout(new CompletableFuture<>(), "proposal");
        onLoopUnlessAnswered(future, () -> {
            StageTrace.mark(Stage.PROPOSAL_ON_LOOP, 0);
            if (betterAtTheLeader(PeerFrame.Hello.FORWARDED_PROPOSALS_VERSION)) {
                future.completeExceptionally(rejected(Rejection.NOT_LEADER, core.leaderId()));
                return;
            }
            long proposalId = nextProposalId++;
            Optional<ProposeResult> answer = core.proposeHere(proposalId, command);
            if (answer.isPresent()) {
                settle(future, answer.get());
            } else {
                forwardedProposals.put(proposalId, future);
                proposalsHandedToLeader.increment();
                RaftOutcomeUnknownException failed = failure;
                if (failed != null) {
                    // The member failed on another thread after this task began: nothing will report it.
                    forwardedProposals.remove(proposalId);
                    future.completeExceptionally(failed);
                }
            }
        });
        return future;
    }

    /**
     * Loop thread: whether a request this member would serve itself as a follower is better sent to
     * the leader whole: this member follows, and its applier is behind (the answer would wait for it)
     * or its leader speaks a peer protocol older than {@code leaderVersionNeeded}.
     */
    private boolean betterAtTheLeader(int leaderVersionNeeded) {
        return core.role() != Role.LEADER
                && (applierBehind || transport.peerVersion(core.leaderId()) < leaderVersionNeeded);
    }

    /** Loop thread: what the core said of a proposal, made this member's answer or its wait for the entry. */
    private void settle(CompletableFuture<Applied> future, ProposeResult result) {
        switch (result) {
            case ProposeResult.Accepted(long index, long term) -> applier.expectProposal(index, term, future);
            // A refusal that names no leader (the proposer left its role) is sent to the one known now.
            case ProposeResult.Rejected(Rejection reason, long leaderHint, String detail) -> future.completeExceptionally(
                    rejected(reason, leaderHint == RaftCore.NONE ? core.leaderId() : leaderHint, detail));
            case ProposeResult.Unanswered(String reason) -> future.completeExceptionally(
                    new RaftOutcomeUnknownException("the proposal went to the leader, but " + reason));
        }
    }

    /**
     * A linearizable read barrier (ReadIndex): completes with an applied index that reflects every
     * write acknowledged before this call; read the state machine after it completes. Only a leader
     * passes it; any other member fails it with {@link RaftNotLeaderException}.
     */
    public CompletableFuture<Long> readBarrier() {
        return readBarrier(false);
    }

    /**
     * A linearizable read barrier that this member passes itself, whether it leads or follows: a
     * follower asks its leader for the read index (ReadIndex, batched with the leader's own reads)
     * and completes once it has applied that index; a leader does as {@link #readBarrier()}. Fails
     * with {@link RaftNotLeaderException}, naming the leader if one is known, where the read is better
     * sent to the leader: no leader is known, the leader's build predates follower reads, this
     * member's applier is behind (the read would wait for it), this member lacks much of the log
     * ({@code RaftCore#readIndexHere}), or the leader did not answer within an election timeout.
     */
    public CompletableFuture<Long> readBarrierHere() {
        return readBarrier(true);
    }

    private CompletableFuture<Long> readBarrier(boolean here) {
        CompletableFuture<Long> future = withTimeout(new CompletableFuture<>(), "read");
        onLoopUnlessAnswered(future, () -> {
            if (here && betterAtTheLeader(PeerFrame.Hello.FOLLOWER_READS_VERSION)) {
                future.completeExceptionally(rejected(Rejection.NOT_LEADER, core.leaderId()));
                return;
            }
            long readId = nextReadId++;
            applier.expectRead(readId, future);
            Optional<Rejection> rejection = here ? core.readIndexHere(readId) : core.readIndex(readId);
            rejection.ifPresent(reason -> future.completeExceptionally(rejected(reason, core.leaderId())));
        });
        return future;
    }

    /**
     * Completes once this member has applied {@code index} (a LOCAL read's minimum revision); fails
     * with {@link RaftOutcomeUnknownException} after the request timeout, or at once with a
     * {@link RejectedException} (OVERLOADED) while too many reads already wait.
     */
    public CompletableFuture<Long> awaitApplied(long index) {
        return withTimeout(applier.awaitApplied(index), "wait for index " + index);
    }

    /**
     * Hands leadership to {@code target}; completes once it leads, fails once another member leads in a
     * later term, or if neither has happened within two election timeouts or the request timeout,
     * whichever is longer.
     */
    public CompletableFuture<Void> transferLeadership(long target) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        onLoop(() -> {
            Optional<Rejection> rejection = core.transferLeadership(target);
            if (rejection.isPresent()) {
                future.completeExceptionally(rejected(rejection.get(), core.leaderId()));
                return;
            }
            // A target still catching up needs longer than an election on a busy machine.
            awaitLeader(target, future, core.term(), runtime.nanoTime()
                    + Math.max(2 * config.electionTimeout().toNanos(), config.requestTimeout().toNanos()));
        }, future);
        return future;
    }

    private void awaitLeader(long target, CompletableFuture<Void> future, long termAsked, long deadline) {
        long leader = core.leaderId();
        if (leader == target) {
            future.complete(null);
        } else if (leader != RaftCore.NONE && core.term() > termAsked) {
            // A later term has another leader: the transfer is over, and waiting out the deadline would
            // only delay what is known now.
            future.completeExceptionally(new RaftOutcomeUnknownException("member " + leader + " took over leadership in term "
                    + core.term() + ", not member " + target));
        } else if (runtime.nanoTime() > deadline) {
            future.completeExceptionally(new RaftOutcomeUnknownException("member " + target + " did not take over leadership in time"));
        } else {
            // Not on the timers: close() and fail() stop them and drop what waits there, and the transfer
            // would never be answered. Through onLoop, a member that has stopped meanwhile answers it.
            runtime.runLater(config.heartbeat(), () -> onLoop(() -> awaitLeader(target, future, termAsked, deadline), future));
        }
    }

    /** Takes a snapshot now and compacts the log; completes with the snapshot's index. */
    public CompletableFuture<Long> snapshotNow() {
        return applier.snapshotNow();
    }

    /**
     * Tells {@code listener} from now on whenever this member starts or stops leading, and at once if
     * it leads now. It is called on the loop thread (see {@link LeadershipListener}).
     */
    public void addLeadershipListener(LeadershipListener listener) {
        onLoop(() -> {
            leadershipListeners.add(listener);
            if (toldLeadingTerm != 0) {
                listener.leadershipChanged(true, toldLeadingTerm);
            }
        });
    }

    /** Starts an election at once (tests and tools; Raft campaigns by itself on timeouts). */
    public void campaign() {
        onLoop(core::campaign);
    }

    public NodeStatus status() {
        CoreView view = coreView;
        return new NodeStatus(config.id(), view.role(), view.term(), view.leaderId(), view.leaderAddress(),
                view.commitIndex(), storage.appliedIndex(), snapshotIndex(), storage.log().firstIndex(),
                storage.log().lastIndex(), view.members());
    }

    /**
     * Read from the storage, not from the core's view (which the loop refreshes later): a snapshot
     * that {@link #snapshotNow()} answered, or that was installed, shows at once. Read after the
     * applied index, which an install moves only after naming its snapshot.
     */
    private long snapshotIndex() {
        return storage.latestSnapshot().map(StoredSnapshot::lastIncludedIndex).orElse(0L);
    }

    public long id() {
        return config.id();
    }

    /** How recently this member heard from its cluster, as of the loop's last tick (see {@link Contact}). */
    public Contact contact() {
        return contact;
    }

    /** How often this member saw the leader change to another known member, since it started (etcd's leader_changes_seen). */
    public long leaderChangesSeen() {
        return leaderChangesSeen;
    }

    /** Proposals appended to the log and not yet applied or failed. */
    public int proposalsPending() {
        return applier.proposalsPending();
    }

    /** Proposals this follower handed to its leader over the members' channel ({@link #proposeHere}). */
    public long proposalsHandedToLeader() {
        return proposalsHandedToLeader.sum();
    }

    /** Proposals appended to the log that failed (timed out, replaced by a new leader's entry, or the member stopped). */
    public long proposalsFailed() {
        return applier.proposalsFailed();
    }

    /** Whether this member has stopped after a storage or thread failure (see {@link FatalFailureListener}). */
    public boolean hasFailed() {
        return failure != null;
    }

    /**
     * The current term as the loop last published it: what {@link #status()} reports, without the
     * storage reads status makes (for answers that carry the term, such as etcd's response headers).
     */
    public long term() {
        return coreView.term();
    }

    /** The core's state and, on a leader, each follower's replication progress: for diagnostics. */
    public String describe() {
        CompletableFuture<String> description = new CompletableFuture<>();
        onLoop(() -> {
            StringBuilder text = new StringBuilder(core.toString());
            for (Member member : core.membership().members()) {
                core.progressOf(member.id()).ifPresent(p -> text.append(" ").append(member.id()).append(":").append(p));
            }
            description.complete(text.toString());
        }, description);
        return description.completeOnTimeout("(the loop did not answer)", 1, TimeUnit.SECONDS).join();
    }

    /** The storage this member runs on. */
    public MemberStorage storage() {
        return storage;
    }

    /** Reads waiting for this member to apply their index: LOCAL reads and confirmed linearizable ones (diagnostics). */
    public int readsWaiting() {
        return applier.readsWaiting();
    }

    /** Bytes of committed entries handed to the applier and not yet applied (tests in this package). */
    long applyBacklogBytes() {
        return applier.backlogBytes();
    }

    /** Timers waiting to fire, request deadlines included (tests in this package). */
    int queuedTimers() {
        return timers instanceof ThreadPoolExecutor pool ? pool.getQueue().size() : 0;
    }

    /** Holds the applier thread until {@code release} completes, as a stalled state machine would (tests in this package). */
    void pauseApplier(CompletableFuture<?> release) {
        applier.pauseUntil(release);
    }

    // ---------------------------------------------------------------- the loop

    /** Loop: one tick of Raft's clock; the contact view is refreshed at the same pace, so it costs nothing per request. */
    private void tick() {
        core.tick();
        publishContact();
    }

    /** Loop: at each tick, and at once when the role or leader changes, so that it never lags such a change. */
    private void publishContact() {
        long heartbeatMillis = config.heartbeat().toMillis();
        List<Contact.FollowerContact> followers = new ArrayList<>();
        for (PeerContact peer : core.peerContacts()) {
            followers.add(new Contact.FollowerContact(peer.id(), peer.match(),
                    peer.quietTicks() == PeerContact.NEVER ? -1 : peer.quietTicks() * heartbeatMillis));
        }
        boolean following = core.role() != Role.LEADER && core.leaderId() != 0;
        contact = new Contact(core.inTouchWithQuorum(),
                following ? (long) core.ticksSinceLeaderContact() * heartbeatMillis : -1, followers, runtime.nanoTime());
    }

    private void onLoop(Runnable input) {
        onLoop(input, null);
    }

    private void onLoop(Runnable input, CompletableFuture<?> orFail) {
        if (failure != null) {
            if (orFail != null) {
                orFail.completeExceptionally(failure);
            }
            return;
        }
        try {
            loop.execute(() -> {
                if (failure != null) { // queued before the member failed: it takes nothing more
                    if (orFail != null) {
                        orFail.completeExceptionally(failure);
                    }
                    return;
                }
                try {
                    input.run();
                    drive();
                } catch (Throwable e) {
                    fail(e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            if (orFail != null) {
                orFail.completeExceptionally(new RaftNotLeaderException("the node is shutting down", 0, ""));
            }
        }
    }

    /**
     * Hands {@code request} to the loop unless its future is answered first: refused by a member that
     * is stopping (NotLeader, which a client takes as "not applied" and may send elsewhere), or timed
     * out. An answered request is never given to the core, so a refusal stays true.
     */
    private void onLoopUnlessAnswered(CompletableFuture<?> future, Runnable request) {
        if (future.isDone()) {
            return;
        }
        onLoop(() -> {
            if (!future.isDone()) {
                request.run();
            }
        }, future);
    }

    /** Takes the next Ready if the last one is done: sends what may go now, and persists the rest. */
    private void drive() {
        while (persisting == null) {
            // Asked before every Ready: the one before may have filled the applier's backlog.
            applierBehind = applier.behind();
            core.applierBehind(applierBehind);
            if (!core.hasReady()) {
                break;
            }
            Ready ready = core.ready();
            persisting = ready;
            markEntries(Stage.READY_WITH_ENTRIES, ready.entries());
            // Before any entry of this Ready is applied: an accepted proposal's entry may be among them.
            for (ForwardedProposal forwarded : ready.forwardedProposals()) {
                CompletableFuture<Applied> future = forwardedProposals.remove(forwarded.proposalId());
                if (future != null) {
                    settle(future, forwarded.result());
                }
            }
            ready.messages().forEach(this::send);
            if (ready.needsPersist()) {
                logWriter.execute(() -> persist(ready));
            } else {
                afterPersist(ready);
            }
        }
        publishStatus();
    }

    /** Log thread: makes the Ready durable in one batch, then hands it back to the loop. */
    private void persist(Ready ready) {
        try {
            LogStorage raftLog = storage.log();
            markEntries(Stage.LOG_WRITE_BEGUN, ready.entries());
            ready.snapshot().ifPresent(this::installReceivedSnapshot);
            if (ready.truncateFrom() > 0) {
                raftLog.truncateFrom(ready.truncateFrom());
            }
            if (!ready.entries().isEmpty()) {
                raftLog.append(ready.entries());
            }
            // Term and vote are saved (and forced) by the hard state store. The commit index is not
            // persisted here: applying an entry marks it committed in the log (StorageEngine.apply),
            // which is all recovery needs, and Raft re-learns the rest from the leader. So a Ready
            // that only moves the commit index never comes here (Ready.needsPersist).
            ready.hardState().ifPresent(hard -> {
                TermStorage terms = storage.terms();
                if (terms.term() != hard.term() || terms.votedFor() != hard.vote()) {
                    terms.saveTermAndVote(hard.term(), hard.vote());
                }
            });
            boolean logChanged = ready.snapshot().isPresent() || ready.truncateFrom() > 0 || !ready.entries().isEmpty();
            if (logChanged) {
                raftLog.sync();
            }
            markEntries(Stage.LOG_SYNCED, ready.entries());
            onLoop(() -> afterPersist(ready));
        } catch (Throwable e) {
            fail(e); // an Error too: a SIGBUS on a mapped write surfaces as InternalError
        }
    }

    private void installReceivedSnapshot(SnapshotMeta meta) {
        StoredSnapshot received = snapshots.received(meta.index(), meta.term()).orElseThrow(() ->
                new IllegalStateException("asked to install snapshot " + meta.index() + " whose bytes never arrived"));
        // Until here the received snapshot was kept apart: only now does it become this member's.
        storage.installSnapshot(received);
        storageView.refreshSnapshot();
        LogStorage raftLog = storage.log();
        if (raftLog.firstIndex() != meta.index() + 1 || raftLog.lastIndex() != meta.index()) {
            raftLog.resetTo(meta.index() + 1);
        }
        snapshots.forgetUpTo(meta.index());
        applier.afterSnapshotInstall();
    }

    private void afterPersist(Ready ready) {
        markEntries(Stage.PERSISTED_ON_LOOP, ready.entries());
        ready.messagesAfterPersist().forEach(this::send);
        core.advance(ready);
        persisting = null;
        if (!ready.committedEntries().isEmpty() || !ready.readStates().isEmpty() || !ready.abandonedReads().isEmpty()) {
            RaftNotLeaderException abandonedWith = ready.abandonedReads().isEmpty() ? null
                    : notLeader("the read was not confirmed: leadership changed, or the leader did not answer in time",
                            core.leaderId());
            markEntries(Stage.COMMITTED_TO_APPLIER, ready.committedEntries());
            applier.submit(new Applier.Batch(ready.committedEntries(), ready.readStates(), ready.abandonedReads(),
                    abandonedWith));
        }
        announceMembers();
    }

    private static void markEntries(Stage stage, List<LogEntry> entries) {
        if (StageTrace.ON && !entries.isEmpty()) {
            StageTrace.mark(stage, entries.getLast().index());
        }
    }

    private void send(Message message) {
        switch (message) {
            case Message.InstallSnapshot install -> snapshots.send(install);
            case Message.ProposeRequest request -> sendRequest(request, request.context());
            case Message.ReadIndexRequest request -> sendRequest(request, request.context());
            default -> transport.send(message);
        }
    }

    /** A follower's request to its leader: one that never left is answered at once, to go to the leader another way. */
    private void sendRequest(Message request, long context) {
        transport.send(request, () -> onLoop(() -> core.requestNotSent(context)));
    }

    private void afterSnapshotTaken(long index) {
        storageView.refreshSnapshot();
        // A member being caught up keeps the log it needs, or it is sent snapshot after snapshot when
        // the log is short and writes are fast; one that lags more than two snapshots' worth of
        // entries gets the next snapshot instead, so that the log stays bounded.
        storage.compactLog(Math.max(core.firstIndexPeersNeed(), index - 2 * config.snapshotEntries()));
        // Raft never installs a snapshot at or below what is applied: received ones there are of no use.
        snapshots.forgetUpTo(index);
    }

    /** Tells the transport whom to talk to whenever the configuration changes. */
    private void announceMembers() {
        Membership members = core.membership();
        if (members.equals(announcedMembers)) {
            return;
        }
        if (!announcedMembers.members().isEmpty() || !members.members().isEmpty()) {
            log.info("member {}: members are now {}", config.id(), describe(members));
        }
        announcedMembers = members;
        Map<Long, InetSocketAddress> peers = new HashMap<>();
        for (Member member : members.members()) {
            if (member.id() != config.id()) {
                peers.put(member.id(), address(member.address()));
            }
        }
        transport.updatePeers(peers);
    }

    private static String describe(Membership members) {
        StringBuilder text = new StringBuilder();
        for (Member member : members.members()) {
            text.append(text.isEmpty() ? "" : ", ").append(member.id()).append('=').append(member.address())
                    .append(member.voter() ? "" : " (learner)");
        }
        return text.isEmpty() ? "(none)" : text.toString();
    }

    private static InetSocketAddress address(String hostPort) {
        return HostPort.parse(hostPort).unresolved();
    }

    private void publishStatus() {
        Status core = this.core.status();
        String leaderAddress = core.membership().member(core.leaderId()).map(Member::address).orElse(null);
        if (core.role() == Role.CANDIDATE && core.term() != lastCampaignTerm) {
            // Said so that a slow election (a split vote, an unreachable member) can be read from the logs.
            log.info("member {} stands for election in term {}", config.id(), core.term());
            lastCampaignTerm = core.term();
        }
        if (core.role() != lastRole || core.leaderId() != lastLeader) {
            if (core.role() == Role.PRE_CANDIDATE) {
                log.debug("member {} asks for pre-votes for term {}", config.id(), core.term() + 1);
            }
            if (core.leaderId() != lastLeader && core.leaderId() != 0) {
                leaderChangesSeen++;
            }
            if (core.role() == Role.LEADER) {
                log.info("member {} became leader in term {}", config.id(), core.term());
            } else if (lastRole == Role.LEADER) {
                log.info("member {} lost leadership in term {}", config.id(), core.term());
            }
            lastRole = core.role();
            lastLeader = core.leaderId();
            publishContact();
        }
        coreView = new CoreView(core.role(), core.term(), core.leaderId(), leaderAddress, core.commitIndex(),
                core.membership());
        tellLeadership(core.role() == Role.LEADER ? core.term() : 0);
    }

    /** Tells the listeners when leadership changed since they were last told (a new term counts). */
    private void tellLeadership(long leadingTerm) {
        if (leadingTerm == toldLeadingTerm) {
            return;
        }
        if (toldLeadingTerm != 0) {
            long lostIn = toldLeadingTerm;
            leadershipListeners.forEach(listener -> listener.leadershipChanged(false, lostIn));
        }
        if (leadingTerm != 0) {
            leadershipListeners.forEach(listener -> listener.leadershipChanged(true, leadingTerm));
        }
        toldLeadingTerm = leadingTerm;
    }

    /** Loop thread: the refusal of a request that only a leader serves, naming {@code leader} and its address. */
    private RaftNotLeaderException notLeader(String why, long leader) {
        return new RaftNotLeaderException(why, leader, addressOf(leader));
    }

    /** Loop thread: where {@code member} serves clients, or "" if it is not a member (0: no one). */
    private String addressOf(long member) {
        return core.membership().member(member).map(Member::address).orElse("");
    }

    private RejectedException rejected(Rejection reason, long leaderHint) {
        return rejected(reason, leaderHint, "");
    }

    /** {@code detail}, when the core gave one, replaces the reason's general wording. */
    private RejectedException rejected(Rejection reason, long leaderHint, String detail) {
        if (reason == Rejection.NOT_LEADER) {
            return notLeader(leaderHint == 0 ? "no leader is known" : "member " + leaderHint + " leads", leaderHint);
        }
        return new RejectedException(reason, !detail.isEmpty() ? detail : switch (reason) {
            case NOT_LEADER -> throw new AssertionError("handled above");
            case LEADERSHIP_TRANSFER_IN_PROGRESS -> "leadership is being transferred";
            case CONFIG_CHANGE_PENDING -> "a configuration change is still in progress";
            case INVALID_CONFIG_CHANGE -> "only one member may be added or removed at a time";
            case NOT_A_VOTER -> "the target is not a voting member";
            case OVERLOADED -> applierBehind ? "too many committed writes are waiting to be applied"
                    : "too many writes are waiting to commit";
            case UNHEALTHY_CLUSTER -> "the change would leave fewer healthy voters than a quorum (unhealthy cluster)";
            case LEARNER_NOT_CAUGHT_UP -> "the learner is not in sync with the leader";
            case TOO_LARGE -> "its log entry would be over the limit of " + RaftConfig.MAX_ENTRY_BYTES + " bytes";
        }, leaderHint, addressOf(leaderHint));
    }

    private <T> CompletableFuture<T> withTimeout(CompletableFuture<T> future, String what) {
        if (future.isDone()) {
            return future;
        }
        ScheduledFuture<?> timeout;
        try {
            timeout = timers.schedule(() -> future.completeExceptionally(new RaftOutcomeUnknownException(
                    "the " + what + " timed out after " + config.requestTimeout().toMillis() + " ms")),
                    config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // The timers stop when the member fails or closes: the request was never taken.
            future.completeExceptionally(stopped());
            return future;
        }
        future.whenComplete((value, error) -> timeout.cancel(false));
        // fail() stops the timers just after it sets the failure: a deadline scheduled in between is
        // dropped with them. The request has not been handed to the loop yet, so it was never taken.
        if (failure != null) {
            future.completeExceptionally(stopped());
        }
        return future;
    }

    /** Why a request the member never took is refused once it has stopped. */
    private RaftNotLeaderException stopped() {
        return new RaftNotLeaderException(failure != null ? "member " + config.id() + " has stopped after a failure: "
                + failure.getMessage() : "the node is shutting down", 0, "");
    }

    /**
     * Runs {@code work} so that whatever it throws, an {@code Error} included, stops the member through
     * {@link #fail}: a scheduled executor would otherwise swallow it and quietly stop ticking.
     */
    private Runnable guarded(Runnable work) {
        return () -> {
            try {
                work.run();
            } catch (Throwable e) {
                fail(e);
            }
        };
    }

    /**
     * A storage, state machine or thread failure: this member stops rather than risk acknowledging
     * lost data, logs one line that names its data directory and the error (the stack trace only at
     * debug level), fails what waits on it, and tells {@link #onFatal}.
     */
    private void fail(Throwable cause) {
        synchronized (this) {
            if (failure != null) {
                return;
            }
            failure = new RaftOutcomeUnknownException("member " + config.id() + " failed: " + oneLine(cause));
        }
        String line = "member " + config.id() + " stops, data directory " + storage.location() + ": "
                + oneLine(cause);
        log.error(line);
        log.debug("member {} failed", config.id(), cause);
        try {
            applier.stop(failure);
            failForwardedProposals(failure);
            timers.shutdownNow();
        } finally {
            onFatal.memberFailed(line, cause);
        }
    }

    /** The first step of {@link #close()}; tests in this package call it alone, to stand in the moment after it. */
    void stopTimers() {
        timers.shutdownNow();
    }

    /** Stopping: nothing will say what became of the proposals handed to the leader, and no timer will expire them. */
    private void failForwardedProposals(RaftOutcomeUnknownException reason) {
        for (CompletableFuture<Applied> future : new ArrayList<>(forwardedProposals.values())) {
            future.completeExceptionally(reason);
        }
        forwardedProposals.clear();
    }

    /** The error as one line: a StorageFailure's own message (it names the path), else class and message. */
    static String oneLine(Throwable cause) {
        String message = cause.getMessage();
        String text = message == null || message.isBlank() ? cause.getClass().getName()
                : cause instanceof StorageFailure ? message
                : cause.getClass().getName() + ": " + message;
        return text.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    @Override
    public void close() {
        stopTimers();
        loop.shutdown();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
            logWriter.shutdown();
            logWriter.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RaftOutcomeUnknownException stopping = new RaftOutcomeUnknownException("member " + config.id() + " is shutting down");
        applier.stop(stopping);
        failForwardedProposals(stopping);
        applierExecutor.shutdown();
        snapshotThread.shutdown();
        try {
            applierExecutor.awaitTermination(5, TimeUnit.SECONDS);
            snapshotThread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        snapshots.close();
        transport.close();
        log.info("member {} stopped", config.id());
    }

    /** What the transport hands in: messages go to the loop, snapshot chunks to the receiver. */
    private final class Inbound implements PeerTransport.InboundHandler {
        @Override
        public void onMessage(Message message) {
            if (message.to() != config.id()) {
                // A peer reached the wrong member (a stale address, a port reused by another node):
                // dropping it is Raft's answer to a lost message; stepping it would stop this member.
                long dropped = misaddressed.incrementAndGet();
                if (Long.bitCount(dropped) == 1) {
                    log.warn("member {} dropped a {} addressed to member {} ({} such so far): check the members' "
                            + "addresses", config.id(), message.getClass().getSimpleName(), message.to(), dropped);
                }
                return;
            }
            // At or below what is applied the core only answers an InstallSnapshot (it installs nothing
            // at or below its commit index), and the bytes of such a copy were discarded on arrival.
            if (message instanceof Message.InstallSnapshot install
                    && install.snapshot().index() > storage.appliedIndex()
                    && snapshots.received(install.snapshot().index(), install.snapshot().term()).isEmpty()) {
                log.debug("dropping InstallSnapshot {} from {}: its bytes have not arrived", install.snapshot().index(), install.from());
                return;
            }
            MessageStages.mark(message, MessageStages.Step.RECEIVED);
            onLoop(() -> {
                MessageStages.mark(message, MessageStages.Step.STEPPED);
                core.step(message);
            });
        }

        @Override
        public CompletableFuture<Void> onSnapshotChunk(long fromPeer, long snapshotIndex, SnapshotChunk chunk) {
            return snapshots.receive(fromPeer, snapshotIndex, chunk);
        }

        @Override
        public void onPeerReachable(long peerId) {
            onLoop(() -> core.reportReachable(peerId));
        }
    }
}
