package io.tern.engine.snapshot;

import java.nio.charset.StandardCharsets;
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

    /** The longest name most file systems accept (Linux NAME_MAX), in UTF-8 bytes. */
    public static final int MAX_NAME_BYTES = 255;

    public SnapshotFile {
        requireValidName(name);
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("file " + name + " has a negative size " + sizeBytes);
        }
    }

    /**
     * Checks that {@code name} is a plain file name that stays inside a snapshot directory. Names
     * arrive from other nodes, so this is what stops a chunk from writing to {@code ../../x}.
     *
     * @return the name
     * @throws IllegalArgumentException if it is empty, too long, holds a path separator or a control
     *     character, is {@code .} or {@code ..}, or is the metadata file's name
     */
    public static String requireValidName(String name) {
        Objects.requireNonNull(name, "file name");
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("'" + name + "' is not a valid snapshot file name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == '\\' || c < 0x20 || c == 0x7f) {
                throw new IllegalArgumentException("snapshot file name '" + printable(name)
                        + "' holds a path separator or a control character");
            }
        }
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(name)) {
            throw new IllegalArgumentException("snapshot file name '" + name + "' is not valid Unicode");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("snapshot file name is longer than " + MAX_NAME_BYTES + " bytes");
        }
        if (name.equals(SnapshotMetadata.FILE_NAME)) {
            throw new IllegalArgumentException("a snapshot data file cannot be named " + SnapshotMetadata.FILE_NAME);
        }
        return name;
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

    private static String printable(String name) {
        return name.replaceAll("\\p{Cntrl}", "?");
    }
}
