package io.tern.engine.snapshot;

import io.tern.raft.types.Membership;
import java.nio.file.Path;

/**
 * Fills a new snapshot with the state's files (the engine passes a lambda that makes a RocksDB
 * checkpoint) and says which point of the state they hold: the engine captures whatever is applied at
 * that moment, so the point is known only once the files are written.
 */
@FunctionalInterface
public interface StateCapture {

    /** The index, term and membership of the state a capture wrote. */
    record Point(long index, long term, Membership membership) {
    }

    /**
     * Creates the directory {@code emptyDirThatDoesNotExistYet}, writes regular files (no
     * subdirectories) into it, and returns the point they hold. It may throw anything checked
     * ({@code RocksDBException} is not an {@code IOException}); the store then deletes whatever was
     * written and reports the failure.
     */
    Point writeInto(Path emptyDirThatDoesNotExistYet) throws Exception;
}
