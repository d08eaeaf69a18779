package io.tern.client.protocol;

/**
 * The fixed sizes of wire protocol version 1. Value size limits are not here: they are the
 * server's, set by {@code --max-value-bytes}.
 */
public final class ProtocolLimits {

    /** The longest key: 16 KiB. A longer one gets TOO_LARGE. */
    public static final int MAX_KEY_BYTES = 16 * 1024;

    /**
     * The largest body a frame's length prefix may announce: 8 MiB + 64 KiB. The prefix counts the
     * body only, not itself.
     */
    public static final int MAX_FRAME_BODY_BYTES = 8 * 1024 * 1024 + 64 * 1024;

    /** The most entries one SCAN returns; a limit of 0 asks for this many. */
    public static final int SCAN_MAX_LIMIT = 1000;

    /** The u32 length prefix of every frame. */
    public static final int LENGTH_PREFIX_BYTES = 4;

    /** The u8 opcode or status and the u64 requestId that open every body. */
    public static final int BODY_HEADER_BYTES = 1 + 8;

    private ProtocolLimits() {
    }
}
