package io.tern.server.service;

import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.engine.StorageEngine;
import io.tern.raft.node.RaftNode;
import io.tern.server.forward.LeaderForwarder;
import io.tern.server.lease.LeaseKeeper;
import io.tern.client.protocol.AuthRequests;
import io.tern.client.protocol.WatchRequests;
import io.tern.engine.auth.AuthState;
import io.tern.engine.auth.RequiredAccess;
import io.tern.server.auth.AuthSettings;
import io.tern.server.auth.PasswordHasher;
import io.tern.server.auth.TokenSigner;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Serves one decoded client request: checks its sizes, routes it (here, or to the leader), and
 * always completes with a {@link Response}, never exceptionally: every failure is mapped to its
 * status by {@link Failures}.
 */
public final class RequestDispatcher {

    private final RaftNode node;
    private final StorageEngine engine;
    private final RequestLimits limits;
    private final LeaderRouting routing;
    /** For this member's own requests: always to the leader, whatever {@code --forward} says. */
    private final LeaderRouting ownRouting;
    private final KeyValueOperations keyValues;
    private final KvOperations kv;
    private final ClusterOperations cluster;
    private final LeaseOperations leases;
    private final StatusReport status;
    private final Backups backups;
    private final Authorization authorization;
    private final AuthOperations auths;
    /** Proposes as made by nobody: a caller while authentication is off. */
    private final Proposer anonymous;
    /** Whether this member takes clients' writes even if it follows ({@code --forward true}). */
    private final boolean forward;
    private volatile boolean draining;

    /**
     * @param staleReadsForTesting broken on purpose (see {@code --test-only-stale-reads}): serve
     *                             LINEARIZABLE reads locally, so a checker can be shown to catch it
     */
    public RequestDispatcher(RaftNode node, StorageEngine engine, int maxValueBytes, boolean forward, LeaderForwarder forwarder,
                             Duration requestTimeout, StatusReport status, boolean staleReadsForTesting,
                             LeaseKeeper leaseKeeper) {
        this(node, engine, maxValueBytes, forward, forwarder, requestTimeout, status, staleReadsForTesting, leaseKeeper,
                AuthSettings.DEFAULTS);
    }

    /** @param auth how long tokens live and how slow password hashes are */
    public RequestDispatcher(RaftNode node, StorageEngine engine, int maxValueBytes, boolean forward, LeaderForwarder forwarder,
                             Duration requestTimeout, StatusReport status, boolean staleReadsForTesting,
                             LeaseKeeper leaseKeeper, AuthSettings auth) {
        this.node = node;
        this.engine = engine;
        this.limits = new RequestLimits(maxValueBytes);
        this.routing = new LeaderRouting(node.id(), forward, forwarder);
        this.ownRouting = new LeaderRouting(node.id(), true, forwarder);
        ReadGate reads = new ReadGate(node, engine, forward, staleReadsForTesting);
        this.keyValues = new KeyValueOperations(node, engine, reads);
        this.kv = new KvOperations(node, engine, reads, keyValues::refusedForSpace);
        this.cluster = new ClusterOperations(node, requestTimeout);
        this.leases = new LeaseOperations(node, engine, leaseKeeper, keyValues);
        this.status = status;
        this.backups = new Backups(node, engine);
        this.forward = forward;
        this.anonymous = Proposer.asUser(node, "", forward);
        this.authorization = new Authorization(new TokenSigner(auth.tokenTtl(), Clock.systemUTC()));
        this.auths = new AuthOperations(node, engine, reads, authorization, new PasswordHasher(auth.bcryptCost()),
                HASHING);
    }

    /**
     * Where passwords are hashed and checked: slow on purpose, so never on a network thread or Raft's.
     * Shared by the members of one process (tests run several), daemon threads that idle out.
     */
    private static final Executor HASHING = hashingExecutor();

    private static Executor hashingExecutor() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "tern-auth-hashing");
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** From now on, new requests are answered UNAVAILABLE: the node is shutting down. */
    public void drain() {
        draining = true;
    }

    /**
     * Serves an ALARM this member sends about itself (its disk monitor): on a follower it goes to the
     * leader even with {@code --forward false}, which is about clients' requests, not the member's own.
     */
    public CompletableFuture<Response> dispatchOwn(Request.Alarm alarm) {
        if (draining) {
            return CompletableFuture.completedFuture(new Response.Unavailable(alarm.requestId(), "the node is shutting down"));
        }
        return ownRouting.run(alarm, true, authorization.memberToken(engine.auth()), () -> cluster.alarm(alarm));
    }

    /**
     * Opens the backup a BACKUP request streams (see {@link Backups}): completes, never exceptionally,
     * with the backup or with the answer to send instead. The connection streams it, since it
     * answers more than once.
     */
    public CompletableFuture<Backups.Opened> openBackup(Request.Backup request, Executor reader) {
        return openBackup(request, reader, Caller.ANONYMOUS);
    }

    /** {@link #openBackup(Request.Backup, Executor)} as {@code caller}: a backup needs root while authentication is on. */
    public CompletableFuture<Backups.Opened> openBackup(Request.Backup request, Executor reader, Caller caller) {
        Optional<Response> refused = check(request.requestId(), caller, RequiredAccess.ROOT);
        if (refused.isPresent()) {
            return CompletableFuture.completedFuture(new Backups.Opened.Refused(refused.get()));
        }
        if (draining) {
            return CompletableFuture.completedFuture(new Backups.Opened.Refused(
                    new Response.Unavailable(request.requestId(), "the node is shutting down")));
        }
        // Its barrier read is made as the same caller, who is root if authentication is on.
        return backups.open(request, reader, (barrier, executor) -> dispatch(barrier, executor, caller));
    }

    /**
     * @param reader where reads touch the state once allowed; the connection's own event loop, so
     *               that Raft's applier thread never does a client's read
     */
    public CompletableFuture<Response> dispatch(Request request, Executor reader) {
        return dispatch(request, reader, Caller.ANONYMOUS);
    }

    /**
     * Checks a watch request's permission as {@code caller} (READ on the range watched, while
     * authentication is on): the refusal to answer instead, or empty when it may go to its session.
     * Watches are served by their connection's session, not here, so their check is this one.
     */
    public Optional<Response> checkWatch(WatchRequests.Create request, Caller caller) {
        return check(request.requestId(), caller, RequiredAccess.read(request.range()));
    }

    /**
     * Checks that {@code caller} may make an admin call that the member answers without a native
     * request (the etcd gateway's Hash, HashKV and Defragment): root only, while authentication is on.
     * The refusal to answer instead (under {@code requestId}), or empty.
     */
    public Optional<Response> checkRoot(long requestId, Caller caller) {
        return check(requestId, caller, RequiredAccess.ROOT);
    }

    private Optional<Response> check(long id, Caller caller, RequiredAccess access) {
        AuthState auth = engine.auth();
        if (!auth.enabled()) {
            return Optional.empty();
        }
        return switch (authorization.identify(caller, auth)) {
            case Authorization.Identity.Refused refused -> Optional.of(new Response.Unauthenticated(id, refused.message()));
            case Authorization.Identity.User user -> Optional.ofNullable(Authorization.refusal(id, auth, user.name(),
                    access));
        };
    }

    /**
     * {@link #dispatch(Request, Executor)} made by {@code caller}: while authentication is on, the
     * caller must be authenticated and allowed the request ({@link Response.Unauthenticated},
     * {@link Response.PermissionDenied} otherwise, nothing done). A {@link Request.WithToken} is made by
     * the holder of its token whatever {@code caller} says.
     */
    public CompletableFuture<Response> dispatch(Request request, Executor reader, Caller caller) {
        long id = request.requestId();
        if (draining) {
            return CompletableFuture.completedFuture(new Response.Unavailable(id, "the node is shutting down"));
        }
        if (request instanceof Request.WithToken withToken) {
            return dispatch(withToken.request(), reader, Caller.token(withToken.token()));
        }
        Optional<Response> tooLarge = limits.check(request);
        if (tooLarge.isPresent()) {
            return CompletableFuture.completedFuture(tooLarge.get());
        }
        try {
            AuthState auth = engine.auth();
            if (!auth.enabled() || request instanceof Request.Ping || request instanceof Request.Status
                    || request instanceof AuthRequests.Authenticate || request instanceof AuthRequests.GetStatus) {
                // With authentication off nothing is checked here, but commands still go into the log as made by
                // nobody: authentication may be turned on before they are applied, and then they are refused
                // there, as etcd refuses them (a user's changes to the auth state go in as the user's).
                return serve(request, reader, anonymous, null, null);
            }
            return switch (authorization.identify(caller, auth)) {
                case Authorization.Identity.Refused refused -> CompletableFuture.completedFuture(
                        new Response.Unauthenticated(id, refused.message()));
                case Authorization.Identity.User user -> serve(request, reader,
                        Proposer.asUser(node, user.name(), forward), user.forwardToken(), user.name());
            };
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(Failures.toResponse(id, e, true));
        }
    }

    /**
     * Serves {@code request} here or at the leader.
     *
     * @param proposer how its command goes into the log (as {@code user}'s, while authentication is on)
     * @param token    what to forward it to the leader with ({@code null}: as it is)
     * @param user     who makes it; {@code null} while authentication is off, when nothing is checked.
     *                 Reads and admin requests are checked against the member's auth state once they may
     *                 proceed (after their read barrier), so that a permission revoked before they were
     *                 made is honoured
     */
    private CompletableFuture<Response> serve(Request request, Executor reader, Proposer proposer, String token,
                                              String user) {
        long id = request.requestId();
        return switch (request) {
            case Request.Get r -> routing.run(r, false, token, checked(r, user, () -> keyValues.get(r, reader)));
            case Request.Scan r -> routing.run(r, false, token, checked(r, user, () -> keyValues.scan(r, reader)));
            case Request.Put r -> routing.run(r, true, token, () -> keyValues.put(r, proposer));
            case Request.Delete r -> routing.run(r, true, token, () -> keyValues.delete(r, proposer));
            case Request.Cas r -> routing.run(r, true, token, () -> keyValues.cas(r, proposer));
            case Request.Batch r -> routing.run(r, true, token, () -> keyValues.batch(r, proposer));
            case Request.MemberAdd r -> routing.run(r, true, token, admin(r, user, () -> cluster.memberAdd(r)));
            case Request.MemberRemove r -> routing.run(r, true, token, admin(r, user, () -> cluster.memberRemove(r)));
            case Request.MemberPromote r -> routing.run(r, true, token, admin(r, user, () -> cluster.memberPromote(r)));
            case Request.TransferLeader r -> routing.run(r, true, token,
                    admin(r, user, () -> cluster.transferLeader(r)));
            case Request.Snapshot r -> admin(r, user, () -> cluster.snapshot(r)).get()
                    .exceptionally(e -> Failures.toResponse(id, e, true));
            case Request.Alarm r -> routing.run(r, true, token, admin(r, user, () -> cluster.alarm(r)));
            // Lease TTLs are kept by the leader, which must see its grants answered: leases are the leader's.
            case Request.Lease r -> routing.run(r, LeaseOperations.writes(r), token,
                    LeaseOperations.writes(r) ? () -> leases.serve(r, atLeader(user))
                            : checked(r, user, () -> leases.serve(r, atLeader(user))));
            case Request.Kv r -> routing.run(r, KvOperations.isWrite(r), token, KvOperations.isWrite(r)
                    ? () -> kv.serve(r, reader, proposer) : checked(r, user, () -> kv.serve(r, reader, proposer)));
            case Request.Auth r -> routing.run(r, AuthOperations.writes(r), token,
                    () -> auths.serve(r, user == null ? "" : user, reader));
            case Request.Ping r -> CompletableFuture.completedFuture(new Response.PingOk(id));
            case Request.Status r -> CompletableFuture.completedFuture(
                    new Response.StatusOk(id, status.json(node.status(), engine.alarms())));
            // The connection serves its watches itself (server.watch), since they answer more than once.
            case Request.WatchRequest r -> CompletableFuture.completedFuture(
                    new Response.BadRequest(id, "a watch request must come on a client connection"));
            case Request.Backup r -> CompletableFuture.completedFuture(
                    new Response.BadRequest(id, "a backup request must come on a client connection"));
            case Request.WithToken r -> CompletableFuture.completedFuture(
                    new Response.BadRequest(id, "a WITH_TOKEN request cannot carry another"));
        };
    }

    /** Proposes as {@code user} (null: nobody), only while this member leads. */
    private Proposer atLeader(String user) {
        return Proposer.asUser(node, user == null ? "" : user, false);
    }

    /**
     * A read served here, checked before it reads (so that nobody makes the member read, say, a whole
     * keyspace it may not see) and again once it has read: by then its barrier has passed, so the
     * member's auth state is at least as new as the request; a refusal replaces the answer, and a read
     * changed nothing. Where this member does not serve it (it forwards), the leader checks.
     */
    private Supplier<CompletableFuture<Response>> checked(Request request, String user,
                                                        Supplier<CompletableFuture<Response>> read) {
        if (user == null) {
            return read;
        }
        return () -> {
            Response early = Authorization.refusal(request.requestId(), engine.auth(), user,
                    Authorization.access(request));
            if (early != null) {
                return CompletableFuture.completedFuture(early);
            }
            return read.get().thenApply(response -> {
                if (response instanceof Response.Failure) {
                    return response;
                }
                Response refused = Authorization.refusal(request.requestId(), engine.auth(), user,
                        Authorization.access(request, response));
                return refused != null ? refused : response;
            });
        };
    }

    /** An admin request: root only while authentication is on, judged by this member's current state. */
    private Supplier<CompletableFuture<Response>> admin(Request request, String user,
                                                      Supplier<CompletableFuture<Response>> serve) {
        if (user == null) {
            return serve;
        }
        return () -> {
            Response refused = Authorization.refusal(request.requestId(), engine.auth(), user, RequiredAccess.ROOT);
            return refused != null ? CompletableFuture.completedFuture(refused) : serve.get();
        };
    }
}
