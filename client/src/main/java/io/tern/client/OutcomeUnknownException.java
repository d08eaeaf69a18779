package io.tern.client;

import io.tern.client.protocol.Status;

/**
 * The request may or may not have been applied: the server answered TIMEOUT, the connection was
 * lost after a write was sent, or the client's deadline passed with a write in flight. Read the key
 * to find out before retrying a write that is not idempotent.
 */
public final class OutcomeUnknownException extends TernException {

    /**
     * An exception with a message.
     *
     * @param message what happened, for the caller's log
     */
    public OutcomeUnknownException(String message) {
        this(message, null);
    }

    /**
     * An exception with a message and its cause.
     *
     * @param message what happened, for the caller's log
     * @param cause   the failure behind it, such as the lost connection's exception
     */
    public OutcomeUnknownException(String message, Throwable cause) {
        super(Status.TIMEOUT, message, cause);
    }
}
