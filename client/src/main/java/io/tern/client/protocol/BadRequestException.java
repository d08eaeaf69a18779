package io.tern.client.protocol;

/**
 * A request that cannot be decoded: unknown or peer opcode, unknown readMode or BATCH kind, a
 * field that overruns the frame, a flag that is neither 0 nor 1, invalid UTF-8 in a {@code str},
 * or bytes left over. The server answers BAD_REQUEST and keeps the connection open.
 */
public final class BadRequestException extends ProtocolException {

    /** For a request whose requestId could not be read. */
    public BadRequestException(String message) {
        super(message, false, 0);
    }

    /** For a request whose requestId was read. */
    public BadRequestException(String message, long requestId) {
        super(message, true, requestId);
    }

    @Override
    public Status status() {
        return Status.BAD_REQUEST;
    }
}
