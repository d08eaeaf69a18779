package io.tern.server.service;

import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.engine.StorageEngine;
import io.tern.raft.node.RaftNode;
import io.tern.server.forward.LeaderForwarder;
import io.tern.server.lease.LeaseKeeper;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

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
    private volatile boolean draining;

    /**
     * @param staleReadsForTesting broken on purpose (see {@code --test-only-stale-reads}): serve
     *                             LINEARIZABLE reads locally, so a checker can be shown to catch it
     */
    public RequestDispatcher(RaftNode node, StorageEngine engine, int maxValueBytes, boolean forward, LeaderForwarder forwarder,
                             Duration requestTimeout, StatusReport status, boolean staleReadsForTesting,
                             LeaseKeeper leaseKeeper) {
        this.node = node;
        this.engine = engine;
        this.limits = new RequestLimits(maxValueBytes);
        this.routing = new LeaderRouting(node.id(), forward, forwarder);
        this.ownRouting = new LeaderRouting(node.id(), true, forwarder);
        ReadGate reads = new ReadGate(node, engine, staleReadsForTesting);
        this.keyValues = new KeyValueOperations(node, engine, reads);
        this.kv = new KvOperations(node, engine, reads, keyValues::refusedForSpace);
        this.cluster = new ClusterOperations(node, requestTimeout);
        this.leases = new LeaseOperations(node, engine, leaseKeeper, keyValues);
        this.status = status;
        this.backups = new Backups(node, engine);
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
        return ownRouting.run(alarm, true, () -> cluster.alarm(alarm));
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
        if (draining) {
            return CompletableFuture.completedFuture(new Backups.Opened.Refused(
                    new Response.Unavailable(request.requestId(), "the node is shutting down")));
        }
        return backups.open(request, reader, this::dispatch);
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
    public java.util.Optional<Response> checkWatch(io.tern.client.protocol.WatchRequests.Create request, Caller caller) {
        return java.util.Optional.empty();
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
        Optional<Response> tooLarge = limits.check(request);
        if (tooLarge.isPresent()) {
            return CompletableFuture.completedFuture(tooLarge.get());
        }
        try {
            return switch (request) {
                case Request.Get r -> routing.run(r, false, () -> keyValues.get(r, reader));
                case Request.Scan r -> routing.run(r, false, () -> keyValues.scan(r, reader));
                case Request.Put r -> routing.run(r, true, () -> keyValues.put(r));
                case Request.Delete r -> routing.run(r, true, () -> keyValues.delete(r));
                case Request.Cas r -> routing.run(r, true, () -> keyValues.cas(r));
                case Request.Batch r -> routing.run(r, true, () -> keyValues.batch(r));
                case Request.MemberAdd r -> routing.run(r, true, () -> cluster.memberAdd(r));
                case Request.MemberRemove r -> routing.run(r, true, () -> cluster.memberRemove(r));
                case Request.MemberPromote r -> routing.run(r, true, () -> cluster.memberPromote(r));
                case Request.TransferLeader r -> routing.run(r, true, () -> cluster.transferLeader(r));
                case Request.Snapshot r -> cluster.snapshot(r).exceptionally(e -> Failures.toResponse(id, e, true));
                case Request.Alarm r -> routing.run(r, true, () -> cluster.alarm(r));
                case Request.Lease r -> routing.run(r, LeaseOperations.writes(r), () -> leases.serve(r));
                case Request.Kv r -> routing.run(r, KvOperations.isWrite(r), () -> kv.serve(r, reader));
                case Request.Ping r -> CompletableFuture.completedFuture(new Response.PingOk(id));
                case Request.Status r -> CompletableFuture.completedFuture(
                        new Response.StatusOk(id, status.json(node.status(), engine.alarms())));
                // The connection serves its watches itself (server.watch), since they answer more than once.
                case Request.WatchRequest r -> CompletableFuture.completedFuture(
                        new Response.BadRequest(id, "a watch request must come on a client connection"));
                case Request.Backup r -> CompletableFuture.completedFuture(
                        new Response.BadRequest(id, "a backup request must come on a client connection"));
                case Request.WithToken r -> dispatch(r.request(), reader, Caller.token(r.token()));
                case Request.Auth r -> CompletableFuture.completedFuture(
                        new Response.BadRequest(id, "authentication is not available yet"));
            };
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(Failures.toResponse(id, e, true));
        }
    }
}
