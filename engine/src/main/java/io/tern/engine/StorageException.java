package io.tern.engine;

import io.tern.raft.types.StorageFailure;

/**
 * The engine cannot do what was asked of its data directory. Messages are single lines meant for
 * the user (the server prints them as they are when it refuses to start).
 */
public class StorageException extends StorageFailure {
    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
