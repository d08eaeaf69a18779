package io.tern.engine.snapshot;

import io.tern.raft.types.Membership;
import java.nio.file.Path;

/**
 * Fills a new snapshot with the state's files, as {@link CheckpointWriter} does, and says which point
 * of the state they hold: the engine captures whatever is applied at that moment, so the point is
 * known only once the files are written.
 */
@FunctionalInterface
public interface StateCapture {

    /** The index, term and membership of the state a capture wrote. */
    record Point(long index, long term, Membership membership) {
    }

    /** As {@link CheckpointWriter#writeInto}, and returns the point the files hold. */
    Point writeInto(Path emptyDirThatDoesNotExistYet) throws Exception;
}
