package io.tern.raft.types;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The names a snapshot's files may have. They arrive from other members inside chunks, so the rule
 * is part of the shared vocabulary: it is what stops a chunk from writing to {@code ../../x}.
 */
public final class SnapshotFileNames {

    /** The longest name most file systems accept (Linux NAME_MAX), in UTF-8 bytes. */
    public static final int MAX_NAME_BYTES = 255;

    /** The snapshot's metadata file, which no data file may shadow. */
    public static final String METADATA_FILE_NAME = "snapshot.json";

    private SnapshotFileNames() {
    }

    /**
     * Checks that {@code name} is a plain file name that stays inside a snapshot directory.
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
        if (name.equals(METADATA_FILE_NAME)) {
            throw new IllegalArgumentException("a snapshot data file cannot be named " + METADATA_FILE_NAME);
        }
        return name;
    }

    private static String printable(String name) {
        return name.replaceAll("\\p{Cntrl}", "?");
    }
}
