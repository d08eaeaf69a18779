package io.tern.raft.transport;

import io.tern.raft.types.SnapshotChunk;
import io.tern.raft.core.RaftConfig;

/**
 * Sizes of the framing between members ({@code frame := u32 length | body[length]}, {@code body :=
 * u8 opcode | u64 requestId | fields}) that senders must respect and receivers enforce.
 *
 * <p>The limit is derived from the largest entry a leader accepts ({@link RaftConfig#MAX_ENTRY_BYTES}),
 * so that whatever a leader accepts it can also replicate:
 * <ul>
 *   <li>an AppendEntries with one such entry takes at most {@link #MAX_RAFT_MESSAGE_BYTES} (Kryo's
 *       varints make the exact size depend on the values; the limit takes the most each can take);</li>
 *   <li>one with several entries takes at most its fixed part plus the core's append budget, since
 *       the core counts {@link RaftConfig#BYTES_COUNTED_PER_ENTRY} (no less than
 *       {@link RaftMessageCodec#MAX_ENTRY_OVERHEAD_BYTES}) for each entry besides its payload, and that
 *       budget is at most {@link RaftConfig#MAX_ENTRY_BYTES}.</li>
 * </ul>
 * So peer frames may be a little larger than the contract's client frames (8 MiB + 64 KiB): a
 * client frame's command plus the AppendEntries around it. The server's shared port admits them
 * only on a connection that opened with a member's hello.
 */
public final class FrameLimits {

    /** The u32 length prefix. */
    public static final int LENGTH_PREFIX_BYTES = 4;

    /** The u8 opcode and u64 requestId that open every body. */
    public static final int BODY_HEADER_BYTES = 1 + 8;

    /** An AppendEntries carrying one entry of {@link RaftConfig#MAX_ENTRY_BYTES}: the largest Raft message. */
    public static final int MAX_RAFT_MESSAGE_BYTES = RaftMessageCodec.MAX_APPEND_ENTRIES_OVERHEAD_BYTES
            + RaftMessageCodec.MAX_ENTRY_OVERHEAD_BYTES + RaftConfig.MAX_ENTRY_BYTES;

    /**
     * The largest body a length prefix may announce between members. Under 2^28, so that every
     * length and count inside takes at most 4 varint bytes, as {@link RaftMessageCodec}'s bounds assume.
     */
    public static final int MAX_BODY_BYTES = BODY_HEADER_BYTES + MAX_RAFT_MESSAGE_BYTES;

    static {
        if (MAX_BODY_BYTES >= 1 << 28) {
            throw new ExceptionInInitializerError("peer frames of " + MAX_BODY_BYTES + " bytes break the varint bounds");
        }
    }

    /**
     * The most data one {@link SnapshotChunk} may carry so that its frame (snapshot index, chunk
     * header with the longest file name) is accepted.
     */
    public static final int MAX_SNAPSHOT_CHUNK_DATA_BYTES =
            MAX_BODY_BYTES - BODY_HEADER_BYTES - 8 - SnapshotChunk.MAX_HEADER_BYTES;

    private FrameLimits() {
    }
}
