package io.tern.raft.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.io.Output;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.tern.raft.types.SnapshotChunk;
import io.tern.raft.core.Message;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The contract's framing and the peer frames inside it, on an in-memory channel. */
class FramingTest {

    @Test
    void everyPeerFrameSurvivesEncoderAndDecoder() {
        List<PeerFrame> frames = List.of(
                new PeerFrame.Hello(3, "cluster-\u00e9"),
                new PeerFrame.RaftMessage(SampleMessages.appendEntries(10)),
                new PeerFrame.RaftMessage(new Message.TimeoutNow(1, 2, 3)),
                new PeerFrame.Chunk(42, 5000, SnapshotChunk.fileData("000012.sst", 1 << 20, new byte[] {1, 2, 3}, true)),
                new PeerFrame.Chunk(43, 5000, SnapshotChunk.metadata(0, "{}".getBytes(StandardCharsets.UTF_8), false)),
                PeerFrame.ChunkAck.accepted(42),
                PeerFrame.ChunkAck.refused(43, "checksum mismatch in 000012.sst"));
        EmbeddedChannel sender = new EmbeddedChannel(new FrameEncoder());
        EmbeddedChannel receiver = new EmbeddedChannel(new FrameDecoder());
        for (PeerFrame frame : frames) {
            sender.writeOutbound(frame);
        }
        // All frames in one buffer, then split at an awkward place: the decoder must reassemble.
        ByteBuf wire = Unpooled.buffer();
        for (ByteBuf piece; (piece = sender.readOutbound()) != null; piece.release()) {
            wire.writeBytes(piece);
        }
        receiver.writeInbound(wire.readRetainedSlice(7));
        receiver.writeInbound(wire);
        for (PeerFrame frame : frames) {
            ByteBuf body = receiver.readInbound();
            assertEquals(frame.bodySize(), body.readableBytes());
            assertEquals(frame, PeerFrame.decode(body));
            body.release();
        }
        assertNull(receiver.readInbound());
    }

    @Test
    void theLengthPrefixCountsTheBodyAndTheHeaderLeadsIt() {
        PeerFrame ack = PeerFrame.ChunkAck.accepted(0x0102030405060708L);
        ByteBuf frame = FrameEncoder.encode(ByteBufAllocator.DEFAULT, ack);
        assertEquals(FrameLimits.BODY_HEADER_BYTES + 3, frame.getInt(0)); // length, accepted, empty error
        assertEquals(ack.bodySize(), frame.getInt(0));
        assertEquals(PeerOpcodes.SNAPSHOT_CHUNK_ACK, frame.getUnsignedByte(4));
        assertEquals(0x0102030405060708L, frame.getLong(5));
        assertEquals(FrameLimits.LENGTH_PREFIX_BYTES + frame.getInt(0), frame.readableBytes());
        frame.release();
    }

    @Test
    void anOversizedLengthPrefixFailsAsSoonAsItArrives() {
        for (long length : new long[] {FrameLimits.MAX_BODY_BYTES + 1L, 0x7FFF_FFFFL, 0xFFFF_FFFFL}) {
            EmbeddedChannel receiver = new EmbeddedChannel(new FrameDecoder());
            // Only the four prefix bytes: the decoder must not wait for (or make room for) the body.
            ByteBuf prefix = Unpooled.buffer(4).writeInt((int) length);
            TooLongFrameException e = assertThrows(TooLongFrameException.class, () -> receiver.writeInbound(prefix));
            assertTrue(e.getMessage().contains(Long.toString(length + FrameLimits.LENGTH_PREFIX_BYTES)), e.getMessage());
            assertNull(receiver.readInbound());
            receiver.finishAndReleaseAll();
        }
    }

    @Test
    void aBodyOfExactlyTheLimitIsAccepted() {
        EmbeddedChannel receiver = new EmbeddedChannel(new FrameDecoder());
        ByteBuf frame = Unpooled.buffer(FrameLimits.LENGTH_PREFIX_BYTES + FrameLimits.MAX_BODY_BYTES)
                .writeInt(FrameLimits.MAX_BODY_BYTES)
                .writerIndex(FrameLimits.LENGTH_PREFIX_BYTES + FrameLimits.MAX_BODY_BYTES);
        receiver.writeInbound(frame);
        ByteBuf body = receiver.readInbound();
        assertEquals(FrameLimits.MAX_BODY_BYTES, body.readableBytes());
        body.release();
    }

    @Test
    void theEncoderRefusesAFrameOverTheLimit() {
        Message tooLarge = SampleMessages.appendEntriesWithPayload(FrameLimits.MAX_RAFT_MESSAGE_BYTES);
        EncoderException e = assertThrows(EncoderException.class,
                () -> FrameEncoder.encode(ByteBufAllocator.DEFAULT, new PeerFrame.RaftMessage(tooLarge)));
        assertTrue(e.getMessage().contains("over the limit"), e.getMessage());
    }

    @Test
    void aRaftMessageAtTheLimitFits() {
        int payload = FrameLimits.MAX_RAFT_MESSAGE_BYTES - RaftMessageCodec.MAX_APPEND_ENTRIES_OVERHEAD_BYTES
                - RaftMessageCodec.MAX_ENTRY_OVERHEAD_BYTES;
        PeerFrame frame = new PeerFrame.RaftMessage(SampleMessages.appendEntriesWithPayload(payload));
        assertTrue(frame.bodySize() <= FrameLimits.MAX_BODY_BYTES, () -> frame.bodySize() + " bytes");
        ByteBuf encoded = FrameEncoder.encode(ByteBufAllocator.DEFAULT, frame);
        assertEquals(frame.bodySize(), encoded.getInt(0));
        encoded.release();
    }

    @Test
    void theLargestAllowedSnapshotChunkFits() {
        String longestName = "f".repeat(io.tern.raft.types.SnapshotFileNames.MAX_NAME_BYTES);
        PeerFrame frame = new PeerFrame.Chunk(1, 1, SnapshotChunk.fileData(longestName, 0,
                new byte[FrameLimits.MAX_SNAPSHOT_CHUNK_DATA_BYTES], false));
        assertTrue(frame.bodySize() <= FrameLimits.MAX_BODY_BYTES, () -> frame.bodySize() + " bytes");
    }

    @Test
    void peerFramesRefuseUnknownOpcodesTruncationAndGarbage() {
        ByteBuf unknown = Unpooled.buffer().writeByte(0x74).writeLong(0);
        assertTrue(assertThrows(MalformedFrameException.class, () -> PeerFrame.decode(unknown)).getMessage()
                .contains("unknown opcode 0x74"));

        ByteBuf shortHeader = Unpooled.buffer().writeByte(PeerOpcodes.PEER_HELLO).writeInt(0);
        assertThrows(MalformedFrameException.class, () -> PeerFrame.decode(shortHeader));

        ByteBuf hugeClusterId = hello(Integer.MAX_VALUE, new byte[10]);
        assertTrue(assertThrows(MalformedFrameException.class, () -> PeerFrame.decode(hugeClusterId)).getMessage()
                .contains("clusterId length 2147483647 needs at least"));

        ByteBuf longClusterId = hello(PeerFrame.MAX_CLUSTER_ID_BYTES + 1, new byte[PeerFrame.MAX_CLUSTER_ID_BYTES + 1]);
        assertTrue(assertThrows(MalformedFrameException.class, () -> PeerFrame.decode(longClusterId)).getMessage()
                .contains("over the limit"));

        ByteBuf badUtf8 = hello(2, new byte[] {(byte) 0xC3, 0x28});
        assertTrue(assertThrows(MalformedFrameException.class, () -> PeerFrame.decode(badUtf8)).getMessage()
                .contains("not valid UTF-8"));

        ByteBuf badChunk = Unpooled.buffer().writeByte(PeerOpcodes.SNAPSHOT_CHUNK).writeLong(1).writeLong(1)
                .writeBytes(new byte[] {9, 9, 9, 9, 9, 9});
        assertTrue(assertThrows(MalformedFrameException.class, () -> PeerFrame.decode(badChunk)).getMessage()
                .contains("malformed snapshot chunk"));

        for (PeerFrame frame : List.of(new PeerFrame.Hello(3, "c"), PeerFrame.ChunkAck.refused(1, "no"),
                new PeerFrame.Chunk(1, 2, SnapshotChunk.metadata(0, new byte[] {1}, true)))) {
            ByteBuf encoded = FrameEncoder.encode(ByteBufAllocator.DEFAULT, frame);
            encoded.skipBytes(FrameLimits.LENGTH_PREFIX_BYTES);
            for (int length = 0; length < encoded.readableBytes(); length++) {
                ByteBuf prefix = encoded.slice(encoded.readerIndex(), length);
                assertThrows(MalformedFrameException.class, () -> PeerFrame.decode(prefix), frame + " cut at " + length);
            }
            encoded.release();
        }
    }

    /** A PEER_HELLO body from member 1 whose clusterId claims {@code length} bytes and holds {@code bytes}. */
    private static ByteBuf hello(int length, byte[] bytes) {
        Output fields = new Output(bytes.length + 16, -1);
        fields.writeVarLong(1, true);
        fields.writeVarInt(length, true);
        fields.writeBytes(bytes);
        Output object = new Output(fields.position() + 8, -1);
        object.writeVarInt(fields.position(), true);
        object.writeBytes(fields.toBytes());
        return Unpooled.buffer().writeByte(PeerOpcodes.PEER_HELLO).writeLong(0).writeBytes(object.toBytes());
    }

    @Test
    void peerOpcodesAreInTheReservedRange() {
        for (int opcode : new int[] {PeerOpcodes.RAFT_MESSAGE, PeerOpcodes.SNAPSHOT_CHUNK,
                PeerOpcodes.SNAPSHOT_CHUNK_ACK, PeerOpcodes.PEER_HELLO}) {
            assertTrue(PeerOpcodes.isPeerOpcode(opcode));
        }
        assertTrue(!PeerOpcodes.isPeerOpcode(0x13) && !PeerOpcodes.isPeerOpcode(0x6F));
        ByteBuf hello = FrameEncoder.encode(ByteBufAllocator.DEFAULT, new PeerFrame.Hello(1, "x"));
        assertTrue(PeerOpcodes.isPeerOpcode(hello.getUnsignedByte(FrameLimits.LENGTH_PREFIX_BYTES)));
        hello.release();
    }
}
