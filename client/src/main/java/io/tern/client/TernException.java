package io.tern.client;

import io.tern.client.protocol.Status;

/**
 * Why a Tern request did not succeed. Each subclass says what the caller may assume about the
 * request: {@link UnavailableException} and {@link RequestRefusedException} mean it was not applied,
 * {@link OutcomeUnknownException} means it may or may not have been.
 */
public abstract sealed class TernException extends RuntimeException
        permits UnavailableException, OutcomeUnknownException, NotLeaderException, RequestRefusedException,
        ServerErrorException {

    /** The protocol status behind the failure. */
    private final Status status;

    TernException(Status status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The protocol status behind this failure; TIMEOUT for a deadline the client itself saw pass. */
    public Status status() {
        return status;
    }
}
