package io.tern.raft.transport;

/**
 * Bytes from the network that are not a well-formed frame or message: a truncated field, a length
 * that overruns the frame, an unknown tag or code, or trailing garbage. The connection they came on
 * cannot be trusted to be in sync any more.
 */
public final class MalformedFrameException extends RuntimeException {

    public MalformedFrameException(String message) {
        super(message);
    }

    public MalformedFrameException(String message, Throwable cause) {
        super(message, cause);
    }
}
