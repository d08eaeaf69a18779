package io.tern.raft.transport;

import java.io.IOException;

/** The connection to a peer closed (or the peer was removed) before a request on it was answered. */
public final class PeerConnectionLostException extends IOException {

    public PeerConnectionLostException(String message) {
        super(message);
    }

    public PeerConnectionLostException(String message, Throwable cause) {
        super(message, cause);
    }
}
