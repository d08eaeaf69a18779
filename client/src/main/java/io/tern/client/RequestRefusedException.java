package io.tern.client;

import io.tern.client.protocol.Status;

/**
 * The server refused the request as malformed (BAD_REQUEST), over a size limit (TOO_LARGE), or as a
 * write while a member's disk is below its reserve (NO_SPACE). Nothing was written; sending it again
 * will not help (for NO_SPACE: not until an operator has made room and the alarm has cleared).
 */
public final class RequestRefusedException extends TernException {

    /**
     * A refusal with its status.
     *
     * @param status  BAD_REQUEST, TOO_LARGE or NO_SPACE
     * @param message why, as the node (or the client's own check) put it
     */
    public RequestRefusedException(Status status, String message) {
        super(status, message, null);
    }
}
