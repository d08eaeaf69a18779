package io.tern.client.protocol;

/**
 * A key over {@link ProtocolLimits#MAX_KEY_BYTES}, or a frame over
 * {@link ProtocolLimits#MAX_FRAME_BODY_BYTES}. Kept apart from {@link BadRequestException} because
 * the contract answers it with TOO_LARGE: the request is well formed, just too big.
 */
public final class TooLargeException extends ProtocolException {

    /** For a frame or request whose requestId is unknown. */
    public TooLargeException(String message) {
        super(message, false, 0);
    }

    /** For a request whose requestId was read. */
    public TooLargeException(String message, long requestId) {
        super(message, true, requestId);
    }

    @Override
    public Status status() {
        return Status.TOO_LARGE;
    }
}
