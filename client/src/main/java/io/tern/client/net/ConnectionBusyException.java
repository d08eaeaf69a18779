package io.tern.client.net;

/**
 * A request refused by a {@link ProtocolConnection} before it was sent, because the peer is not
 * keeping up: too many requests await answers, or too many bytes wait for the socket.
 */
public final class ConnectionBusyException extends RuntimeException {

    private final int inFlight;
    private final long queuedBytes;

    ConnectionBusyException(int inFlight, long queuedBytes) {
        super(inFlight + " requests and " + queuedBytes + " bytes wait for the peer", null, false, false);
        this.inFlight = inFlight;
        this.queuedBytes = queuedBytes;
    }

    /** Requests sent and not yet answered when this one was refused. */
    public int inFlight() {
        return inFlight;
    }

    /** Bytes written and not yet taken by the socket when this one was refused. */
    public long queuedBytes() {
        return queuedBytes;
    }
}
