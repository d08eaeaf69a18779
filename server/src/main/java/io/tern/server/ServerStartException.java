package io.tern.server;

/** The node cannot start; the message is one line meant for the operator. */
public final class ServerStartException extends RuntimeException {

    public ServerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
