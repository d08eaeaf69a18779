package io.tern.client.protocol;

import java.util.OptionalLong;

/**
 * Bytes that do not form a valid message of the protocol. Carries the requestId when it could be
 * read, so that a server can answer the request it belongs to.
 */
public abstract sealed class ProtocolException extends RuntimeException
        permits BadRequestException, TooLargeException, MalformedResponseException {

    private final boolean hasRequestId;
    private final long requestId;

    ProtocolException(String message, boolean hasRequestId, long requestId) {
        super(message);
        this.hasRequestId = hasRequestId;
        this.requestId = requestId;
    }

    /** The requestId of the offending message, if the bytes got that far. */
    public OptionalLong requestId() {
        return hasRequestId ? OptionalLong.of(requestId) : OptionalLong.empty();
    }

    /**
     * The requestId to answer with: the offending message's, or 0 when it could not be read (the
     * contract's choice for a frame that cannot be attributed, as with an oversized frame).
     */
    public long requestIdOrZero() {
        return hasRequestId ? requestId : 0;
    }

    /** The status a server answers this with. */
    public abstract Status status();
}
