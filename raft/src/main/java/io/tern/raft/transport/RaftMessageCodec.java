package io.tern.raft.transport;

import io.netty.buffer.ByteBuf;
import io.tern.raft.core.Message;

/**
 * The binary form of every Raft {@link Message} between members: Kryo, with each message type
 * registered at a fixed id and encoded by a {@link VersionedSerializer} (formats in
 * {@link RaftMessageSerializers}).
 *
 * <pre>
 * message := varint typeId | varint n | n bytes of the type's fields
 * </pre>
 *
 * An encoding is exact: {@link #decode} refuses trailing bytes after the message (a newer member's
 * extra fields lie inside {@code n}, where they are skipped). A type id this release does not know
 * is refused like any malformed message: a new message type must not be sent before every member
 * knows it.
 */
public final class RaftMessageCodec {

    // Bounds for sizing frames. A body is under 2^28 bytes (FrameLimits), so each of its lengths and
    // counts takes at most 4 varint bytes; a long takes at most 9; a type id 1.

    /** The most an AppendEntries takes besides its entries: type id, length, six longs and the entry count. */
    public static final int MAX_APPEND_ENTRIES_OVERHEAD_BYTES = 1 + 4 + 6 * 9 + 4;

    /** The most one entry takes besides its payload: length, index, term, kind and payload length. */
    public static final int MAX_ENTRY_OVERHEAD_BYTES = 4 + 9 + 9 + 1 + 4;

    private RaftMessageCodec() {
    }

    /**
     * The exact number of bytes {@link #encode} writes for {@code message}. A long, because an
     * AppendEntries assembled without regard to {@link FrameLimits} may exceed an int.
     */
    public static long encodedSize(Message message) {
        return PeerKryo.encodedSize(message, true);
    }

    /** Appends the encoding of {@code message} to {@code out}, which must be one contiguous buffer. */
    public static void encode(Message message, ByteBuf out) {
        PeerKryo.current().write(message, true, out);
    }

    /**
     * Decodes the one message that fills {@code in}'s readable bytes, consuming them.
     *
     * @throws MalformedFrameException if the bytes are not exactly one well-formed message
     */
    public static Message decode(ByteBuf in) {
        return PeerKryo.current().read(in, Message.class, true, "Raft message");
    }
}
