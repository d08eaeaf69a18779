package io.tern.client;

import io.tern.client.protocol.Status;

/**
 * The server has authentication on and the call had no valid identity: no credentials, wrong ones, or a
 * token that expired and could not be renewed. Nothing was done.
 */
public final class UnauthenticatedException extends RequestRefusedException {

    public UnauthenticatedException(String message) {
        super(Status.UNAUTHENTICATED, message);
    }
}
