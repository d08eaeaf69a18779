package io.tern.engine;

import java.util.Locale;

/** The contract's {@code --fsync}: whether durability means "on disk" or "handed to the OS". */
public enum FsyncPolicy {
    /** {@code sync()} forces appended data to disk: survives power loss. */
    ALWAYS,
    /** {@code sync()} leaves flushing to the OS: survives a process crash, not a power loss. */
    NEVER;

    public static FsyncPolicy parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "always" -> ALWAYS;
            case "never" -> NEVER;
            default -> throw new IllegalArgumentException("--fsync must be 'always' or 'never', not '" + text + "'");
        };
    }
}
