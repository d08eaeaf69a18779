package io.tern.raft.transport;

import io.netty.buffer.ByteBuf;
import io.tern.raft.types.SnapshotChunk;
import io.tern.raft.core.Message;
import java.util.Objects;

/**
 * A frame between members: its opcode, its requestId, and the fields that follow them in the body.
 * {@link FrameEncoder} adds the length prefix and header; {@link #decode} reads a body back.
 *
 * <pre>
 * PEER_HELLO         (0x73) := a Kryo Hello ({@link PeerFrameSerializers})   requestId 0
 * RAFT_MESSAGE       (0x70) := a {@link RaftMessageCodec} message (Kryo)     requestId 0
 * SNAPSHOT_CHUNK     (0x71) := u64 snapshotIndex | {@link SnapshotChunk#encode()} (to the end of the body)
 * SNAPSHOT_CHUNK_ACK (0x72) := a Kryo ChunkAck ({@link PeerFrameSerializers}) requestId of the chunk
 * </pre>
 *
 * The opcode and requestId stay plain bytes: the server's shared port routes a connection by its
 * first opcode. Snapshot chunks keep their own format from raft-types: bulk file bytes, whose
 * header bound ({@link SnapshotChunk#MAX_HEADER_BYTES}) sizes the largest chunk a frame admits;
 * Kryo would add nothing but a copy.
 */
public sealed interface PeerFrame {

    /** The longest cluster id a hello may carry; a cluster id is a short name, so more is garbage. */
    int MAX_CLUSTER_ID_BYTES = 1024;

    /** The longest error text an ack carries; longer reasons are cut, they are for logs only. */
    int MAX_ERROR_CHARS = 1024;

    int opcode();

    long requestId();

    /** The bytes after opcode and requestId. */
    long fieldsSize();

    void writeFields(ByteBuf out);

    /** The whole body: opcode, requestId and fields; what the length prefix announces. */
    default long bodySize() {
        return FrameLimits.BODY_HEADER_BYTES + fieldsSize();
    }

    /**
     * Opens every outbound connection, so the receiver knows who is sending and can refuse another
     * cluster, or a member whose peer protocol it cannot speak.
     *
     * @param version       the peer protocol version the sender speaks ({@link #VERSION} in this build)
     * @param oldestVersion the oldest version the sender still talks to
     */
    record Hello(long memberId, String clusterId, int version, int oldestVersion) implements PeerFrame {

        /**
         * The peer protocol version of this build. Version 1: Kryo-encoded frames with appendable
         * fields ({@link VersionedSerializer}); a member built before versions were exchanged sends
         * none and counts as version 1, which it is. Version 2 adds the messages of follower reads
         * ({@code ReadIndexRequest}, {@code ReadIndexResponse}), sent only to members that speak it
         * ({@link PeerTransport#peerVersion}). Version 3 adds the messages of proposals a follower hands
         * its leader ({@code ProposeRequest}, {@code ProposeResponse}), sent likewise.
         */
        public static final int VERSION = 3;
        /** The first version whose members know the messages of follower reads. */
        public static final int FOLLOWER_READS_VERSION = 2;
        /** The first version whose members take proposals from followers over the members' channel. */
        public static final int FORWARDED_PROPOSALS_VERSION = 3;
        /** The oldest peer protocol version this build talks to. */
        public static final int OLDEST_VERSION = 1;

        public Hello {
            Objects.requireNonNull(clusterId, "clusterId");
        }

        /** This build's hello. */
        public Hello(long memberId, String clusterId) {
            this(memberId, clusterId, VERSION, OLDEST_VERSION);
        }

        /**
         * Why this build cannot talk to the sender of this hello, or null if it can: each side must
         * speak a version the other still reads.
         */
        public String incompatibility() {
            if (version < OLDEST_VERSION) {
                return "member " + memberId + " speaks peer protocol version " + version + ", older than "
                        + OLDEST_VERSION + ", the oldest this member reads: upgrade member " + memberId;
            }
            if (oldestVersion > VERSION) {
                return "member " + memberId + " reads peer protocol versions " + oldestVersion + " and newer, and this "
                        + "member speaks version " + VERSION + ": upgrade this member";
            }
            return null;
        }

        @Override
        public int opcode() {
            return PeerOpcodes.PEER_HELLO;
        }

        @Override
        public long requestId() {
            return 0;
        }

        @Override
        public long fieldsSize() {
            return PeerKryo.encodedSize(this, false);
        }

        @Override
        public void writeFields(ByteBuf out) {
            PeerKryo.current().write(this, false, out);
        }
    }

    /** One Raft message, one way: Raft itself retries what is lost. */
    record RaftMessage(Message message) implements PeerFrame {
        public RaftMessage {
            Objects.requireNonNull(message, "message");
        }

        @Override
        public int opcode() {
            return PeerOpcodes.RAFT_MESSAGE;
        }

        @Override
        public long requestId() {
            return 0;
        }

        @Override
        public long fieldsSize() {
            return RaftMessageCodec.encodedSize(message);
        }

        @Override
        public void writeFields(ByteBuf out) {
            RaftMessageCodec.encode(message, out);
        }
    }

    /** A piece of the snapshot at {@code snapshotIndex}; the sender waits for its ack before the next. */
    record Chunk(long requestId, long snapshotIndex, SnapshotChunk chunk) implements PeerFrame {
        public Chunk {
            Objects.requireNonNull(chunk, "chunk");
        }

        @Override
        public int opcode() {
            return PeerOpcodes.SNAPSHOT_CHUNK;
        }

        @Override
        public long fieldsSize() {
            return 8 + chunk.encodedSize();
        }

        @Override
        public void writeFields(ByteBuf out) {
            out.writeLong(snapshotIndex);
            out.writeBytes(chunk.encode());
        }
    }

    /** The receiver's verdict on the chunk sent with the same requestId. */
    record ChunkAck(long requestId, boolean accepted, String error) implements PeerFrame {
        public ChunkAck {
            Objects.requireNonNull(error, "error");
            if (error.length() > MAX_ERROR_CHARS) {
                error = error.substring(0, MAX_ERROR_CHARS);
            }
        }

        public static ChunkAck accepted(long requestId) {
            return new ChunkAck(requestId, true, "");
        }

        public static ChunkAck refused(long requestId, String error) {
            return new ChunkAck(requestId, false, error);
        }

        @Override
        public int opcode() {
            return PeerOpcodes.SNAPSHOT_CHUNK_ACK;
        }

        @Override
        public long fieldsSize() {
            return PeerKryo.encodedSize(this, false);
        }

        @Override
        public void writeFields(ByteBuf out) {
            PeerKryo.current().write(this, false, out);
        }
    }

    /**
     * Decodes one frame body (opcode, requestId, fields), consuming all its readable bytes.
     *
     * @throws MalformedFrameException on an unknown opcode or fields that are not exactly well formed
     */
    static PeerFrame decode(ByteBuf body) {
        require(body, FrameLimits.BODY_HEADER_BYTES, "peer frame", "opcode and requestId");
        int opcode = body.readUnsignedByte();
        long requestId = body.readLong();
        return switch (opcode) {
            case PeerOpcodes.PEER_HELLO -> PeerKryo.current().read(body, Hello.class, false, "PEER_HELLO");
            case PeerOpcodes.RAFT_MESSAGE -> new RaftMessage(RaftMessageCodec.decode(body));
            case PeerOpcodes.SNAPSHOT_CHUNK -> {
                require(body, 8, "SNAPSHOT_CHUNK", "snapshotIndex");
                long snapshotIndex = body.readLong();
                byte[] encoded = new byte[body.readableBytes()];
                body.readBytes(encoded);
                try {
                    yield new Chunk(requestId, snapshotIndex, SnapshotChunk.decode(encoded));
                } catch (IllegalArgumentException e) {
                    throw new MalformedFrameException("malformed SNAPSHOT_CHUNK: " + e.getMessage(), e);
                }
            }
            case PeerOpcodes.SNAPSHOT_CHUNK_ACK -> {
                ChunkAck fields = PeerKryo.current().read(body, ChunkAck.class, false, "SNAPSHOT_CHUNK_ACK");
                yield new ChunkAck(requestId, fields.accepted(), fields.error());
            }
            default -> throw new MalformedFrameException("malformed peer frame: unknown opcode 0x"
                    + Integer.toHexString(opcode));
        };
    }

    private static void require(ByteBuf body, int bytes, String what, String field) {
        if (body.readableBytes() < bytes) {
            throw new MalformedFrameException("malformed " + what + ": truncated in " + field + " (needs " + bytes
                    + " bytes, " + body.readableBytes() + " remain)");
        }
    }
}
