package io.tern.client;

import io.tern.client.protocol.Status;

/** The user's roles do not allow the call; the message says which permission is missing. Nothing was done. */
public final class PermissionDeniedException extends RequestRefusedException {

    public PermissionDeniedException(String message) {
        super(Status.PERMISSION_DENIED, message);
    }
}
