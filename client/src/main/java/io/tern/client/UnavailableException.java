package io.tern.client;

import io.tern.client.protocol.Status;

/**
 * No leader, no quorum, or no endpoint reachable until the request's deadline: the request was
 * certainly <b>not</b> applied, so it is safe to send again.
 */
public final class UnavailableException extends TernException {

    /**
     * An exception with a message.
     *
     * @param message what happened, for the caller's log
     */
    public UnavailableException(String message) {
        this(message, null);
    }

    /**
     * An exception with a message and its cause.
     *
     * @param message what happened, for the caller's log
     * @param cause   the failure behind it, such as the connect exception
     */
    public UnavailableException(String message, Throwable cause) {
        super(Status.UNAVAILABLE, message, cause);
    }
}
