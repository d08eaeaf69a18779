package io.tern.raft.types;

/** What a Raft log entry carries; the code is stored on disk, so codes never change meaning. */
public enum EntryKind {
    /** A client command (an encoded {@code io.tern.engine.state.Command}). */
    COMMAND(1),
    /** The empty entry a new leader appends so that entries of earlier terms commit. */
    NOOP(2),
    /** A membership configuration (an encoded {@code io.tern.raft.types.Membership}). */
    CONFIG(3);

    private final int code;

    EntryKind(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static EntryKind ofCode(int code) {
        return switch (code) {
            case 1 -> COMMAND;
            case 2 -> NOOP;
            case 3 -> CONFIG;
            default -> throw new IllegalArgumentException("unknown entry kind " + code);
        };
    }
}
