package io.tern.engine.snapshot;

import java.nio.file.Path;

/**
 * Fills a new snapshot with the state's files; the engine passes a lambda that makes a RocksDB
 * checkpoint, e.g. {@code dir -> checkpoint.createCheckpoint(dir.toString())}.
 */
@FunctionalInterface
public interface CheckpointWriter {

    /**
     * Creates the directory {@code emptyDirThatDoesNotExistYet} and writes regular files (no
     * subdirectories) into it. It may throw anything checked ({@code RocksDBException} is not an
     * {@code IOException}); the store then deletes whatever was written and reports the failure.
     */
    void writeInto(Path emptyDirThatDoesNotExistYet) throws Exception;
}
