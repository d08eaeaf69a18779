package io.tern.client;

import io.tern.client.protocol.Status;

/** The revision asked for is below the compaction revision: that history is gone. Nothing was done. */
public final class CompactedException extends RequestRefusedException {

    private final long compactRevision;

    public CompactedException(long compactRevision, String message) {
        super(Status.COMPACTED, message);
        this.compactRevision = compactRevision;
    }

    /** The oldest revision still readable. */
    public long compactRevision() {
        return compactRevision;
    }
}
