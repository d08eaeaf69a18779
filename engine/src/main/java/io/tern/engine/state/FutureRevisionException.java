package io.tern.engine.state;

/** A read asked for a revision above the current one. */
public final class FutureRevisionException extends RuntimeException {

    private final long currentRevision;

    public FutureRevisionException(long currentRevision) {
        super("mvcc: required revision is a future revision");
        this.currentRevision = currentRevision;
    }

    public long currentRevision() {
        return currentRevision;
    }
}
