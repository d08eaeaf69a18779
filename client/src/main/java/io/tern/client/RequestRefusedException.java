package io.tern.client;

import io.tern.client.protocol.Status;

/**
 * The server refused the request as malformed (BAD_REQUEST), over a size limit (TOO_LARGE), or as a
 * write while a member's disk is below its reserve (NO_SPACE). Nothing was written; sending it again
 * will not help (for NO_SPACE: not until an operator has made room and the alarm has cleared). Refusals
 * that carry more than a message have their own subclass (COMPACTED, FUTURE_REVISION, LEASE_NOT_FOUND), and so do UNAUTHENTICATED and PERMISSION_DENIED.
 */
public sealed class RequestRefusedException extends TernException
        permits CompactedException, FutureRevisionException, LeaseNotFoundException, UnauthenticatedException,
        PermissionDeniedException {

    /**
     * A refusal with its status.
     *
     * @param status  BAD_REQUEST, TOO_LARGE, NO_SPACE, or a subclass's status
     * @param message why, as the node (or the client's own check) put it
     */
    public RequestRefusedException(Status status, String message) {
        super(status, message, null);
    }
}
