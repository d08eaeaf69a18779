package io.tern.client.protocol;

/** How a GET or SCAN may be answered (contract section 2). */
public enum ReadMode {
    /** The default: the read reflects every write acknowledged before it was sent. */
    LINEARIZABLE(0),
    /**
     * Any node answers from its own state once its applied index reaches {@code minRevision};
     * passing the last revision seen gives read-your-writes and monotonic reads.
     */
    LOCAL(1);

    private final int code;

    ReadMode(int code) {
        this.code = code;
    }

    /** The readMode byte on the wire. */
    public int code() {
        return code;
    }

    /** The read mode with this code, or {@code null} if there is none. */
    public static ReadMode fromCode(int code) {
        return switch (code) {
            case 0 -> LINEARIZABLE;
            case 1 -> LOCAL;
            default -> null;
        };
    }
}
