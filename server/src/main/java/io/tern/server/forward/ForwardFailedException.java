package io.tern.server.forward;

/**
 * A forwarded request got no answer from the leader. {@link #sent()} tells whether it may have
 * reached the leader: if not, it was certainly not applied.
 */
public final class ForwardFailedException extends RuntimeException {

    private final boolean sent;

    ForwardFailedException(String message, boolean sent) {
        super(message, null, false, false);
        this.sent = sent;
    }

    public boolean sent() {
        return sent;
    }
}
