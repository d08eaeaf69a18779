package io.tern.client;

import io.tern.client.protocol.Status;

/**
 * The request may or may not have been applied: the server answered TIMEOUT, the connection was
 * lost after a write was sent, or the client's deadline passed with a write in flight. Read the key
 * to find out before retrying a write that is not idempotent.
 */
public final class OutcomeUnknownException extends TernException {

    public OutcomeUnknownException(String message) {
        this(message, null);
    }

    public OutcomeUnknownException(String message, Throwable cause) {
        super(Status.TIMEOUT, message, cause);
    }
}
