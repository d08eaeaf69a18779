package io.tern.engine.state;

/** A read or a watch asked for a revision below the compaction revision: its history is gone. */
public final class CompactedRevisionException extends RuntimeException {

    private final long compactRevision;

    public CompactedRevisionException(long compactRevision) {
        super("mvcc: required revision has been compacted");
        this.compactRevision = compactRevision;
    }

    public long compactRevision() {
        return compactRevision;
    }
}
