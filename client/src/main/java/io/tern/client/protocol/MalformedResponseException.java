package io.tern.client.protocol;

/**
 * A response that cannot be decoded, or that the contract does not allow for the request it
 * answers (such as CAS_MISMATCH to a GET). The client cannot trust the connection after this.
 */
public final class MalformedResponseException extends ProtocolException {

    /** For a response whose requestId could not be read. */
    public MalformedResponseException(String message) {
        super(message, false, 0);
    }

    /** For a response whose requestId was read. */
    public MalformedResponseException(String message, long requestId) {
        super(message, true, requestId);
    }

    /** Nothing is answered to a bad response; a client reports it as INTERNAL. */
    @Override
    public Status status() {
        return Status.INTERNAL;
    }
}
