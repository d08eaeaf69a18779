package io.tern.raft.transport;

import io.tern.engine.snapshot.SnapshotChunk;

/**
 * Sizes of the contract's framing ({@code frame := u32 length | body[length]}, {@code body := u8
 * opcode | u64 requestId | fields}) that senders must respect and receivers enforce.
 *
 * <p>The length prefix counts the body only. Peers use the same cap as clients, so one decoder
 * serves the shared port; a leader must split AppendEntries batches so that each fits
 * {@link #MAX_RAFT_MESSAGE_BYTES}.
 */
public final class FrameLimits {

    /** The largest body a length prefix may announce: 8 MiB + 64 KiB, per the contract. */
    public static final int MAX_BODY_BYTES = 8 * 1024 * 1024 + 64 * 1024;

    /** The u32 length prefix. */
    public static final int LENGTH_PREFIX_BYTES = 4;

    /** The u8 opcode and u64 requestId that open every body. */
    public static final int BODY_HEADER_BYTES = 1 + 8;

    /** The most a {@link RaftMessageCodec} encoding may take so that its frame is accepted. */
    public static final int MAX_RAFT_MESSAGE_BYTES = MAX_BODY_BYTES - BODY_HEADER_BYTES;

    /**
     * The most data one {@link SnapshotChunk} may carry so that its frame (snapshot index, chunk
     * header with the longest file name) is accepted.
     */
    public static final int MAX_SNAPSHOT_CHUNK_DATA_BYTES =
            MAX_BODY_BYTES - BODY_HEADER_BYTES - 8 - SnapshotChunk.MAX_HEADER_BYTES;

    private FrameLimits() {
    }
}
