package io.tern.engine;

/**
 * A file of the data directory holds bytes that cannot be trusted and cannot be safely repaired.
 * The message is one line that names the file and the place, fit to show a user as it is.
 */
public class CorruptStorageException extends StorageException {
    public CorruptStorageException(String message) {
        super(message);
    }
}
