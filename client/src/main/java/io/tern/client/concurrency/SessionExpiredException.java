package io.tern.client.concurrency;

/**
 * The session's lease is gone (revoked, expired, or no longer kept alive), so the keys a lock or a
 * campaign put with it are gone or about to be: whatever they held is lost (etcd's
 * {@code ErrSessionExpired}).
 */
public final class SessionExpiredException extends RuntimeException {

    public SessionExpiredException(String message) {
        super(message);
    }

    public SessionExpiredException(String message, Throwable cause) {
        super(message, cause);
    }
}
