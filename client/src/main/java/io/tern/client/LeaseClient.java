package io.tern.client;

import io.tern.client.protocol.LeaseRequests;
import io.tern.client.protocol.LeaseResponses;
import io.tern.client.protocol.Opcode;
import io.tern.client.protocol.Response;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * etcd's leases, from {@link TernClient#leases()}. A lease is granted with a TTL; keys put with it
 * ({@code put --lease}) are deleted, all at one revision, when it is revoked or when nobody keeps it
 * alive for its TTL. Lease ids are positive 64-bit numbers (etcd prints them in hex).
 *
 * <p>Calls behave as {@link TernClient}'s do (one deadline, failover, the same exceptions); a lease
 * that does not exist fails a revoke or keep-alive with {@link LeaseNotFoundException}. Grants and
 * revokes are writes (not sent again once they may have reached a node); keep-alives, time-to-live
 * and list are sent again freely. {@link #keepAlive(long, LeaseKeepAlive.Listener)} keeps a lease
 * alive in the background.
 */
public final class LeaseClient {

    private final TernClient client;
    private final CallContext context;
    private final Results results;
    private final long requestTimeoutNanos;

    LeaseClient(TernClient client, CallContext context, Results results, long requestTimeoutNanos) {
        this.client = client;
        this.context = context;
        this.results = results;
        this.requestTimeoutNanos = requestTimeoutNanos;
    }

    // ---- asynchronous ---------------------------------------------------------------------

    /**
     * Grants a lease of {@code ttlSeconds} with an id the server picks. A TTL under the cluster's
     * minimum (1.5 election timeouts, 2 s by default) is raised to it; over 9,000,000,000 s is refused.
     */
    public CompletableFuture<LeaseGrant> grantAsync(long ttlSeconds) {
        return grantAsync(0, ttlSeconds);
    }

    /**
     * Grants lease {@code id} (0: the server picks one) of {@code ttlSeconds}; refused
     * ({@link RequestRefusedException}, BAD_REQUEST) if {@code id} is in use.
     */
    public CompletableFuture<LeaseGrant> grantAsync(long id, long ttlSeconds) {
        return client.submit(Opcode.LEASE_GRANT, null, requestId -> new LeaseRequests.Grant(requestId, id, ttlSeconds),
                this::granted, requestTimeoutNanos);
    }

    /**
     * Revokes lease {@code id}, deleting every key attached to it at one revision.
     *
     * @return the revision of the revoke
     */
    public CompletableFuture<Long> revokeAsync(long id) {
        return client.submit(Opcode.LEASE_REVOKE, null, requestId -> new LeaseRequests.Revoke(requestId, id),
                this::revoked, requestTimeoutNanos);
    }

    /**
     * Renews lease {@code id} once, to its full TTL from now.
     *
     * @return its TTL in seconds
     */
    public CompletableFuture<Long> keepAliveOnceAsync(long id) {
        return keepAliveOnceAsync(id, requestTimeoutNanos);
    }

    CompletableFuture<Long> keepAliveOnceAsync(long id, long timeoutNanos) {
        return client.submit(Opcode.LEASE_KEEPALIVE, null, requestId -> new LeaseRequests.KeepAlive(requestId, id),
                LeaseClient::keptAlive, timeoutNanos);
    }

    /**
     * How long lease {@code id} has left and its granted TTL, with the keys attached to it if
     * {@code keys}. A lease that does not exist is no error: {@link LeaseTimeToLive#exists()} is false.
     */
    public CompletableFuture<LeaseTimeToLive> timeToLiveAsync(long id, boolean keys) {
        return client.submit(Opcode.LEASE_TIME_TO_LIVE, null,
                requestId -> new LeaseRequests.TimeToLive(requestId, id, keys),
                response -> timeToLive(id, response), requestTimeoutNanos);
    }

    /** The ids of every lease, in increasing order. */
    public CompletableFuture<List<Long>> listAsync() {
        return client.submit(Opcode.LEASE_LIST, null, LeaseRequests.ListLeases::new, LeaseClient::listed,
                requestTimeoutNanos);
    }

    /**
     * Keeps lease {@code id} alive until the returned handle is closed: renews it now and every third
     * of its TTL, through failover, and tells {@code listener} of each renewal and once when the lease
     * is gone (see {@link LeaseKeepAlive}).
     */
    public LeaseKeepAlive keepAlive(long id, LeaseKeepAlive.Listener listener) {
        Objects.requireNonNull(listener, "listener");
        LeaseKeepAlive keepAlive = new LeaseKeepAlive(this, context, id, listener, requestTimeoutNanos);
        keepAlive.start();
        return keepAlive;
    }

    // ---- blocking -------------------------------------------------------------------------

    /** Blocking {@link #grantAsync(long)}. */
    public LeaseGrant grant(long ttlSeconds) {
        return client.await(grantAsync(ttlSeconds));
    }

    /** Blocking {@link #grantAsync(long, long)}. */
    public LeaseGrant grant(long id, long ttlSeconds) {
        return client.await(grantAsync(id, ttlSeconds));
    }

    /** Blocking {@link #revokeAsync}; returns the revision of the revoke. */
    public long revoke(long id) {
        return client.await(revokeAsync(id));
    }

    /** Blocking {@link #keepAliveOnceAsync(long)}; returns the lease's TTL. */
    public long keepAliveOnce(long id) {
        return client.await(keepAliveOnceAsync(id));
    }

    /** Blocking {@link #timeToLiveAsync}. */
    public LeaseTimeToLive timeToLive(long id, boolean keys) {
        return client.await(timeToLiveAsync(id, keys));
    }

    /** Blocking {@link #listAsync}. */
    public List<Long> list() {
        return client.await(listAsync());
    }

    // ---- answers --------------------------------------------------------------------------

    private LeaseGrant granted(Response response) {
        if (response instanceof LeaseResponses.Granted ok) {
            return new LeaseGrant(ok.id(), ok.ttlSeconds(), results.seen(ok.revision()));
        }
        throw unexpected(response);
    }

    private Long revoked(Response response) {
        if (response instanceof LeaseResponses.Revoked ok) {
            return results.seen(ok.revision());
        }
        throw unexpected(response);
    }

    private static Long keptAlive(Response response) {
        if (response instanceof LeaseResponses.KeptAlive ok) {
            return ok.ttlSeconds();
        }
        throw unexpected(response);
    }

    private static LeaseTimeToLive timeToLive(long id, Response response) {
        if (response instanceof LeaseResponses.TimeToLive ok) {
            return new LeaseTimeToLive(id, ok.remainingSeconds(), ok.grantedSeconds(), ok.keys());
        }
        throw unexpected(response);
    }

    private static List<Long> listed(Response response) {
        if (response instanceof LeaseResponses.Leases ok) {
            return ok.ids();
        }
        throw unexpected(response);
    }

    private static ServerErrorException unexpected(Response response) {
        return new ServerErrorException("unexpected answer " + response);
    }
}
