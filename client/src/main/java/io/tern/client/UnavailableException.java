package io.tern.client;

import io.tern.client.protocol.Status;

/**
 * No leader, no quorum, or no endpoint reachable until the request's deadline: the request was
 * certainly <b>not</b> applied, so it is safe to send again.
 */
public final class UnavailableException extends TernException {

    public UnavailableException(String message) {
        this(message, null);
    }

    public UnavailableException(String message, Throwable cause) {
        super(Status.UNAVAILABLE, message, cause);
    }
}
