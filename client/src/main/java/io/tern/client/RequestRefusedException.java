package io.tern.client;

import io.tern.client.protocol.Status;

/**
 * The server refused the request as malformed (BAD_REQUEST) or over a size limit (TOO_LARGE).
 * Nothing was written; sending it again will not help.
 */
public final class RequestRefusedException extends TernException {

    public RequestRefusedException(Status status, String message) {
        super(status, message, null);
    }
}
