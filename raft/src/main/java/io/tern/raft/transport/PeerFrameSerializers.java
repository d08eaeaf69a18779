package io.tern.raft.transport;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Output;
import java.nio.charset.StandardCharsets;

/**
 * The {@link VersionedSerializer}s of the peer frames that are not Raft messages, for the fields
 * after a frame's opcode and requestId.
 *
 * <pre>
 * Hello    := memberId | varint n | n bytes clusterId (UTF-8) | varint version | varint oldestVersion
 *             (the versions were appended later: a hello without them is version 1)
 * ChunkAck := u8 accepted | varint n | n bytes error (UTF-8, empty when accepted); its requestId is the frame's
 * </pre>
 */
final class PeerFrameSerializers {

    private PeerFrameSerializers() {
    }

    static final VersionedSerializer<PeerFrame.Hello> HELLO = new VersionedSerializer<>("PEER_HELLO") {
        @Override
        long fieldsSize(PeerFrame.Hello hello) {
            return sizeOf(hello.memberId()) + sizeOf(utf8(hello.clusterId())) + sizeOf(hello.version())
                    + sizeOf(hello.oldestVersion());
        }

        @Override
        void writeFields(Kryo kryo, Output out, PeerFrame.Hello hello) {
            out.writeVarLong(hello.memberId(), true);
            writeBytes(out, utf8(hello.clusterId()));
            out.writeVarLong(hello.version(), true);
            out.writeVarLong(hello.oldestVersion(), true);
        }

        @Override
        PeerFrame.Hello readFields(FieldInput in) {
            long memberId = in.varLong("memberId");
            String clusterId = in.utf8("clusterId", PeerFrame.MAX_CLUSTER_ID_BYTES);
            if (!in.hasMore()) {
                return new PeerFrame.Hello(memberId, clusterId, 1, 1);
            }
            return new PeerFrame.Hello(memberId, clusterId, version(in, "version"), version(in, "oldestVersion"));
        }
    };

    /** Reads an ack with requestId 0: the frame's header carries the real one. */
    static final VersionedSerializer<PeerFrame.ChunkAck> CHUNK_ACK = new VersionedSerializer<>("SNAPSHOT_CHUNK_ACK") {
        @Override
        long fieldsSize(PeerFrame.ChunkAck ack) {
            return 1 + sizeOf(utf8(ack.error()));
        }

        @Override
        void writeFields(Kryo kryo, Output out, PeerFrame.ChunkAck ack) {
            out.writeBoolean(ack.accepted());
            writeBytes(out, utf8(ack.error()));
        }

        @Override
        PeerFrame.ChunkAck readFields(FieldInput in) {
            return new PeerFrame.ChunkAck(0, in.bool("accepted"), in.utf8("error", PeerFrame.MAX_ERROR_CHARS * 4));
        }
    };

    /** A version number; one past an int is garbage, not a version. */
    private static int version(FieldInput in, String field) {
        long version = in.varLong(field);
        if (version < 0 || version > Integer.MAX_VALUE) {
            throw new MalformedFrameException("malformed PEER_HELLO: " + field + " " + version + " is not a version");
        }
        return (int) version;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
