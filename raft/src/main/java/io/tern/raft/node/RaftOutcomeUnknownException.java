package io.tern.raft.node;

/**
 * A request timed out, or its node stopped, after it may have been applied: it may or may not take
 * effect. The contract's TIMEOUT.
 */
public final class RaftOutcomeUnknownException extends RuntimeException {
    public RaftOutcomeUnknownException(String message) {
        super(message, null, false, false);
    }
}
