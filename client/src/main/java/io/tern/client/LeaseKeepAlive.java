package io.tern.client;

import io.netty.util.Timeout;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one lease alive ({@link LeaseClient#keepAlive}): renews it at once, then a third of its TTL
 * after each renewal was sent, as etcd's client does. A renewal that fails (a node down, no leader
 * for a moment) is sent again shortly, to whichever endpoint the client fails over to, until one
 * succeeds or the lease's TTL since the last renewal has run out. The listener hears of each renewal,
 * and once of the end: the cluster said the lease is gone (revoked or expired), or no renewal
 * succeeded within its TTL, so it must be taken as expired. {@link #close()} stops the renewals (the
 * lease then expires after its TTL unless revoked); closing the client stops them too, silently.
 */
public final class LeaseKeepAlive implements AutoCloseable {

    /** Told, on the client's threads, of what becomes of the lease: keep it short and never block. */
    public interface Listener {

        /** The lease was renewed: it lives at least {@code ttlSeconds} from when the renewal was sent. */
        void renewed(long leaseId, long ttlSeconds);

        /**
         * Renewals have stopped for good: {@code reason} is a {@link LeaseNotFoundException} when the
         * cluster said the lease no longer exists, else why no renewal succeeded within its TTL.
         */
        void gone(long leaseId, TernException reason);
    }

    private static final Logger log = LoggerFactory.getLogger(LeaseKeepAlive.class);

    /** The pause before a failed renewal is sent again. */
    static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /** The least time one renewal may take before it is abandoned and sent again (a node that accepted it and went silent). */
    private static final long MIN_ATTEMPT_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final LeaseClient leases;
    private final CallContext timer;
    private final long leaseId;
    private final Listener listener;

    // One renewal is under way at a time; each hands over to the next through the timer.
    private volatile boolean closed;
    private volatile CompletableFuture<Long> inFlight;
    private volatile Timeout next;
    private volatile long ttlNanos;
    private volatile long expiresAtNanos;
    private volatile TernException lastError;

    LeaseKeepAlive(LeaseClient leases, CallContext timer, long leaseId, Listener listener, long firstTryNanos) {
        this.leases = leases;
        this.timer = timer;
        this.leaseId = leaseId;
        this.listener = listener;
        this.expiresAtNanos = System.nanoTime() + firstTryNanos;
    }

    /** The lease kept alive. */
    public long leaseId() {
        return leaseId;
    }

    void start() {
        renew();
    }

    private void renew() {
        if (closed) {
            return;
        }
        long sentAt = System.nanoTime();
        long left = expiresAtNanos - sentAt;
        if (left <= 0) {
            String last = lastError == null ? "" : " (last error: " + lastError.getMessage() + ")";
            end(new UnavailableException("lease " + Long.toHexString(leaseId) + " was not renewed within "
                    + (ttlNanos > 0 ? "its TTL of " + TimeUnit.NANOSECONDS.toSeconds(ttlNanos) + " s" : "the request timeout")
                    + ", so it may have expired" + last));
            return;
        }
        long attempt = ttlNanos > 0 ? Math.min(left, Math.max(ttlNanos / 3, MIN_ATTEMPT_NANOS)) : left;
        CompletableFuture<Long> renewal = leases.keepAliveOnceAsync(leaseId, attempt);
        inFlight = renewal;
        renewal.whenComplete((ttl, error) -> {
            if (closed) {
                return;
            }
            if (error == null) {
                renewed(sentAt, ttl);
                return;
            }
            Throwable cause = error instanceof CompletionException wrapped && wrapped.getCause() != null
                    ? wrapped.getCause() : error;
            if (cause instanceof LeaseNotFoundException notFound) {
                end(notFound);
            } else if (timer.isClosed()) {
                closed = true;
            } else {
                lastError = cause instanceof TernException tern ? tern : new ServerErrorException(cause.toString());
                later(RETRY_NANOS);
            }
        });
    }

    private void renewed(long sentAt, long ttlSeconds) {
        // From when it was sent: the leader renewed it after that, so it lives at least this long.
        ttlNanos = TimeUnit.SECONDS.toNanos(Math.max(1, ttlSeconds));
        expiresAtNanos = sentAt + ttlNanos;
        lastError = null;
        try {
            listener.renewed(leaseId, ttlSeconds);
        } catch (RuntimeException e) {
            log.warn("the keep-alive listener of lease {} failed", Long.toHexString(leaseId), e);
        }
        later(sentAt + ttlNanos / 3 - System.nanoTime());
    }

    private void later(long delayNanos) {
        if (closed) {
            return;
        }
        try {
            next = timer.schedule(timeout -> renew(), Math.max(0, delayNanos));
        } catch (IllegalStateException clientClosed) {
            closed = true;
        }
        if (closed) { // closed meanwhile: the timeout may have been armed after close() looked
            Timeout armed = next;
            if (armed != null) {
                armed.cancel();
            }
        }
    }

    private void end(TernException reason) {
        if (closed) {
            return;
        }
        closed = true;
        try {
            listener.gone(leaseId, reason);
        } catch (RuntimeException e) {
            log.warn("the keep-alive listener of lease {} failed", Long.toHexString(leaseId), e);
        }
    }

    /** Whether renewals have stopped (closed, or the lease is gone). */
    public boolean stopped() {
        return closed;
    }

    /** Stops renewing; a renewal under way is abandoned. The listener is not told. Closing twice does nothing. */
    @Override
    public void close() {
        closed = true;
        Timeout armed = next;
        if (armed != null) {
            armed.cancel();
        }
        CompletableFuture<Long> renewal = inFlight;
        if (renewal != null) {
            renewal.cancel(false);
        }
    }
}
