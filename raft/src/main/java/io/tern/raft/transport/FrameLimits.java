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
 *   <li>an AppendEntries with one such entry takes exactly {@link #MAX_RAFT_MESSAGE_BYTES};</li>
 *   <li>one with several entries takes at most its fixed part plus the core's append budget, since
 *       the core counts {@link RaftConfig#BYTES_COUNTED_PER_ENTRY} (no less than
 *       {@link RaftMessageCodec#ENTRY_FIXED_BYTES}) for each entry besides its payload, and that
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
    public static final int MAX_RAFT_MESSAGE_BYTES = RaftMessageCodec.APPEND_ENTRIES_FIXED_BYTES
            + RaftMessageCodec.ENTRY_FIXED_BYTES + RaftConfig.MAX_ENTRY_BYTES;

    /** The largest body a length prefix may announce between members. */
    public static final int MAX_BODY_BYTES = BODY_HEADER_BYTES + MAX_RAFT_MESSAGE_BYTES;

    /**
     * The most data one {@link SnapshotChunk} may carry so that its frame (snapshot index, chunk
     * header with the longest file name) is accepted.
     */
    public static final int MAX_SNAPSHOT_CHUNK_DATA_BYTES =
            MAX_BODY_BYTES - BODY_HEADER_BYTES - 8 - SnapshotChunk.MAX_HEADER_BYTES;

    private FrameLimits() {
    }
}
