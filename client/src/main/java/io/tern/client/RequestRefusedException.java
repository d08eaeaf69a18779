package io.tern.client;

import io.tern.client.protocol.Status;

/**
 * The server refused the request as malformed (BAD_REQUEST) or over a size limit (TOO_LARGE).
 * Nothing was written; sending it again will not help.
 */
public final class RequestRefusedException extends TernException {

    /**
     * A refusal with its status.
     *
     * @param status  BAD_REQUEST or TOO_LARGE
     * @param message why, as the node (or the client's own check) put it
     */
    public RequestRefusedException(Status status, String message) {
        super(status, message, null);
    }
}
