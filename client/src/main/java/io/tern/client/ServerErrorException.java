package io.tern.client;

import io.tern.client.protocol.Status;

/** The server answered INTERNAL: a bug on its side. Nothing acknowledged before is lost. */
public final class ServerErrorException extends TernException {

    /**
     * An exception with a message.
     *
     * @param message the node's description of the failure
     */
    public ServerErrorException(String message) {
        super(Status.INTERNAL, message, null);
    }
}
