package io.tern.engine.snapshot;

import io.tern.raft.types.SnapshotFileNames;

import java.util.Objects;
import java.util.Optional;

/**
 * One data file of a snapshot as its metadata records it: a plain name inside the snapshot
 * directory, its size, and the CRC32C of its content.
 *
 * @param name the file's name inside the snapshot directory (no path separators)
 * @param sizeBytes its length
 * @param crc32c the CRC32C of its content ({@code java.util.zip.CRC32C}, as an int)
 */
public record SnapshotFile(String name, long sizeBytes, int crc32c) {

    public SnapshotFile {
        SnapshotFileNames.requireValidName(name);
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("file " + name + " has a negative size " + sizeBytes);
        }
    }

    /**
     * How a file with {@code actualSize} bytes and checksum {@code actualCrc32c} differs from this
     * record, as the tail of a one-line message, or empty if it matches. The size is compared first
     * because a checksum over a truncated file says nothing more useful.
     */
    Optional<String> mismatch(long actualSize, int actualCrc32c) {
        if (actualSize != sizeBytes) {
            return Optional.of("file " + name + " has " + actualSize + " bytes, expected " + sizeBytes);
        }
        if (actualCrc32c != crc32c) {
            return Optional.of("file " + name + " has checksum " + Checksums.hex(actualCrc32c)
                    + ", expected " + Checksums.hex(crc32c));
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "SnapshotFile[" + name + ", " + sizeBytes + " bytes, crc32c " + Checksums.hex(crc32c) + "]";
    }
}
