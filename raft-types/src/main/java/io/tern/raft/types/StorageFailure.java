package io.tern.raft.types;

/**
 * Storage cannot do what was asked of it. The message is one line meant for the user (it names the
 * path), so the driver prints it as it is.
 */
public class StorageFailure extends RuntimeException {

    public StorageFailure(String message) {
        super(message);
    }

    public StorageFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
