package io.tern.client.concurrency;

import io.tern.client.LeaseKeepAlive;
import io.tern.client.LeaseNotFoundException;
import io.tern.client.TernClient;
import io.tern.client.TernException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A lease kept alive for as long as its holder lives, as etcd's {@code concurrency.Session}: the
 * locks and campaigns made with it put their keys with this lease, so that they vanish when the
 * holder dies (the lease expires a TTL after its last renewal) or closes the session (the lease is
 * revoked at once).
 *
 * <p>{@link #done()} tells when the session has ended: normally once {@link #close()}d, exceptionally
 * with a {@link SessionExpiredException} when the lease was lost (the cluster said it is gone, or no
 * renewal got through within its TTL) or {@link #orphan()}ed. From then on the session's keys must be
 * taken as gone, whatever the holder believes.
 */
public final class Session implements AutoCloseable {

    /** etcd's default TTL of a session, in seconds. */
    public static final long DEFAULT_TTL_SECONDS = 60;

    private final TernClient client;
    private final long leaseId;
    private final long ttlSeconds;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final LeaseKeepAlive keepAlive;

    private Session(TernClient client, long leaseId, long ttlSeconds) {
        this.client = client;
        this.leaseId = leaseId;
        this.ttlSeconds = ttlSeconds;
        this.keepAlive = client.leases().keepAlive(leaseId, new LeaseKeepAlive.Listener() {
            @Override
            public void renewed(long lease, long ttl) {
            }

            @Override
            public void gone(long lease, TernException reason) {
                done.completeExceptionally(new SessionExpiredException("the session's lease " + Long.toHexString(lease)
                        + (reason instanceof LeaseNotFoundException ? " expired or was revoked" : " was lost: "
                        + reason.getMessage()), reason));
            }
        });
    }

    /** A session on a new lease of {@link #DEFAULT_TTL_SECONDS}. */
    public static Session create(TernClient client) {
        return create(client, DEFAULT_TTL_SECONDS);
    }

    /** A session on a new lease of {@code ttlSeconds} (raised to the cluster's minimum if below it). */
    public static Session create(TernClient client, long ttlSeconds) {
        return Futures.await(createAsync(client, ttlSeconds));
    }

    /** Grants the lease and starts keeping it alive. */
    public static CompletableFuture<Session> createAsync(TernClient client, long ttlSeconds) {
        Objects.requireNonNull(client, "client");
        if (ttlSeconds <= 0) {
            throw new IllegalArgumentException("a session's TTL must be positive, was " + ttlSeconds);
        }
        return client.leases().grantAsync(ttlSeconds)
                .thenApply(grant -> new Session(client, grant.id(), grant.ttlSeconds()));
    }

    public TernClient client() {
        return client;
    }

    /** The lease the session's keys are put with. */
    public long leaseId() {
        return leaseId;
    }

    /** The lease's TTL as granted. */
    public long ttlSeconds() {
        return ttlSeconds;
    }

    /**
     * Completes when the session ends: normally after {@link #close()}, exceptionally with a
     * {@link SessionExpiredException} when the lease was lost or the session orphaned. Each call
     * returns a new future, so that cancelling it does not end the session.
     */
    public CompletableFuture<Void> done() {
        return done.copy();
    }

    /** Whether the session has ended (closed, orphaned, or its lease lost). */
    public boolean isDone() {
        return done.isDone();
    }

    /**
     * Stops keeping the lease alive without revoking it (etcd's {@code Orphan}): its keys live on until
     * the lease expires, a TTL after its last renewal. What a holder that crashes does.
     */
    public void orphan() {
        keepAlive.close();
        done.completeExceptionally(new SessionExpiredException("the session was orphaned: its lease "
                + Long.toHexString(leaseId) + " expires unless someone else keeps it alive"));
    }

    /** Stops keeping the lease alive and revokes it, deleting the session's keys at once. */
    public CompletableFuture<Void> closeAsync() {
        keepAlive.close();
        return client.leases().revokeAsync(leaseId).handle((revision, error) -> {
            Throwable cause = error == null ? null : Futures.cause(error);
            if (cause == null || cause instanceof LeaseNotFoundException) {
                done.complete(null);
                return null;
            }
            done.completeExceptionally(new SessionExpiredException("the session's lease " + Long.toHexString(leaseId)
                    + " could not be revoked; it expires within its TTL", cause));
            throw Futures.unchecked(cause);
        });
    }

    /**
     * Blocking {@link #closeAsync()}. A lease already gone is no error; a revoke that fails (no
     * quorum) is rethrown, and the lease then expires after its TTL.
     */
    @Override
    public void close() {
        Futures.await(closeAsync());
    }
}
