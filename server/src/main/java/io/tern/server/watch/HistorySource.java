package io.tern.server.watch;

import io.tern.engine.state.CompactedRevisionException;
import io.tern.engine.state.HistoryBatch;

/** Where watches read the changes they missed: the engine's history ({@code StorageEngine}). */
public interface HistorySource {

    /**
     * The changes from {@code fromRevision} on, bounded by count and bytes, always whole revisions.
     *
     * @throws CompactedRevisionException if {@code fromRevision} is below the compaction revision
     */
    HistoryBatch history(long fromRevision, int maxEvents, long maxBytes, boolean withPrevKv);

    /** The revision below which history is gone; 0 before the first compaction. */
    long compactRevision();

    /** The member's applied index: the current revision. */
    long currentRevision();
}
