package io.tern.client;

import io.tern.client.protocol.Status;

/** The revision asked for is above the current one. Nothing was done. */
public final class FutureRevisionException extends RequestRefusedException {

    private final long currentRevision;

    public FutureRevisionException(long currentRevision, String message) {
        super(Status.FUTURE_REVISION, message);
        this.currentRevision = currentRevision;
    }

    /** The revision of the member that answered. */
    public long currentRevision() {
        return currentRevision;
    }
}
