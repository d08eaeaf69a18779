package io.tern.raft.transport;

import java.nio.charset.StandardCharsets;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tern.raft.types.SnapshotChunk;
import io.tern.raft.core.Message;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The inbound handler on its own, fed frame bodies the way the server's router will feed it on the
 * shared port: no sockets, no encoder in the pipeline.
 */
class PeerChannelHandlerTest {

    private final RecordingInbound inbound = new RecordingInbound();
    private final PeerChannelHandler handler = new PeerChannelHandler("c1", inbound, new PeerVersions());
    private final EmbeddedChannel channel = new EmbeddedChannel(handler);

    @Test
    void aHelloThenMessagesFromThatMember() {
        Message heartbeat = new Message.Heartbeat(3, 1, 2, 10, 0);
        receive(new PeerFrame.Hello(3, "c1"), new PeerFrame.RaftMessage(heartbeat));
        assertEquals(3, handler.peerId());
        assertEquals(heartbeat, inbound.messages.poll());
        assertTrue(channel.isActive());
    }

    @Test
    void aMessageClaimingAnotherSenderIsDroppedButTheConnectionStays() {
        receive(new PeerFrame.Hello(3, "c1"), new PeerFrame.RaftMessage(new Message.TimeoutNow(4, 1, 2)));
        assertNull(inbound.messages.poll());
        assertTrue(channel.isActive());
    }

    @Test
    void chunksAreAcknowledgedOnlyWhenTheInstallerFinishes() {
        SnapshotChunk chunk = SnapshotChunk.metadata(0, new byte[] {1, 2}, false);
        receive(new PeerFrame.Hello(3, "c1"), new PeerFrame.Chunk(77, 500, chunk),
                new PeerFrame.Chunk(78, 500, SnapshotChunk.metadata(2, new byte[] {3}, true)));
        RecordingInbound.ReceivedChunk first = inbound.chunks.poll();
        RecordingInbound.ReceivedChunk second = inbound.chunks.poll();
        assertEquals(new RecordingInbound.ReceivedChunk(3, 500, chunk, first.installed()), first);
        assertNull(channel.readOutbound(), "no ack before the installer finished");

        second.installed().completeExceptionally(new IOException("disk full"));
        first.installed().complete(null);
        assertEquals(PeerFrame.ChunkAck.refused(78, "disk full"), sentAck());
        assertEquals(PeerFrame.ChunkAck.accepted(77), sentAck());
        assertTrue(channel.isActive());
    }

    @Test
    void anInstallerThatThrowsRefusesTheChunk() {
        PeerChannelHandler throwing = new PeerChannelHandler("c1", new PeerTransport.InboundHandler() {
            @Override
            public void onMessage(Message message) {
                throw new IllegalStateException("driver queue closed");
            }

            @Override
            public CompletableFuture<Void> onSnapshotChunk(long fromPeer, long snapshotIndex, SnapshotChunk chunk) {
                throw new IllegalStateException("no snapshot expected");
            }
        }, new PeerVersions());
        EmbeddedChannel other = new EmbeddedChannel(throwing);
        other.writeInbound(body(new PeerFrame.Hello(3, "c1")),
                body(new PeerFrame.RaftMessage(new Message.TimeoutNow(3, 1, 1))),
                body(new PeerFrame.Chunk(5, 1, SnapshotChunk.metadata(0, new byte[] {1}, true))));
        ByteBuf ack = other.readOutbound();
        assertEquals(PeerFrame.ChunkAck.refused(5, "no snapshot expected"),
                PeerFrame.decode(ack.skipBytes(FrameLimits.LENGTH_PREFIX_BYTES)));
        ack.release();
        assertTrue(other.isActive(), "a failing driver does not cost the connection");
    }

    @Test
    void anythingBeforeTheHelloClosesTheConnection() {
        receive(new PeerFrame.RaftMessage(new Message.TimeoutNow(3, 1, 1)), new PeerFrame.Hello(3, "c1"));
        assertFalse(channel.isActive());
        assertNull(inbound.messages.poll());
        assertEquals(0, handler.peerId(), "a hello after the violation must not be accepted");
    }

    @Test
    void aHelloFromAnotherClusterClosesTheConnection() {
        receive(new PeerFrame.Hello(3, "c2"), new PeerFrame.Hello(3, "c1"),
                new PeerFrame.RaftMessage(new Message.TimeoutNow(3, 1, 1)));
        assertFalse(channel.isActive());
        assertNull(inbound.messages.poll());
    }

    @Test
    void aMemberThatReadsOnlyNewerPeerProtocolsIsRefused() {
        int newer = PeerFrame.Hello.VERSION + 1;
        receive(new PeerFrame.Hello(3, "c1", newer, newer), new PeerFrame.RaftMessage(new Message.TimeoutNow(3, 1, 1)));
        assertFalse(channel.isActive());
        assertNull(inbound.messages.poll());
        assertEquals("member 3 reads peer protocol versions " + newer + " and newer, and this member speaks version "
                + PeerFrame.Hello.VERSION + ": upgrade this member",
                new PeerFrame.Hello(3, "c1", newer, newer).incompatibility());
    }

    @Test
    void aMemberSpeakingAProtocolOlderThanThisBuildReadsIsRefused() {
        PeerFrame.Hello ancient = new PeerFrame.Hello(3, "c1", PeerFrame.Hello.OLDEST_VERSION - 1, 0);
        receive(ancient);
        assertFalse(channel.isActive());
        assertTrue(ancient.incompatibility().startsWith("member 3 speaks peer protocol version "
                + (PeerFrame.Hello.OLDEST_VERSION - 1)), ancient.incompatibility());
    }

    @Test
    void aNewerMemberThatStillReadsThisVersionIsAccepted() {
        receive(new PeerFrame.Hello(3, "c1", PeerFrame.Hello.VERSION + 1, PeerFrame.Hello.VERSION));
        assertEquals(3, handler.peerId());
        assertTrue(channel.isActive());
    }

    @Test
    void aHelloWithoutVersionsIsAMemberOfVersionOne() {
        // What a member built before versions were exchanged sends: the fields' length, memberId, clusterId.
        ByteBuf hello = ByteBufAllocator.DEFAULT.buffer().writeByte(PeerOpcodes.PEER_HELLO).writeLong(0)
                .writeByte(4).writeByte(3).writeByte(2).writeBytes("c1".getBytes(StandardCharsets.UTF_8));
        assertEquals(new PeerFrame.Hello(3, "c1", 1, 1), PeerFrame.decode(hello.duplicate()));
        channel.writeInbound(hello);
        assertEquals(3, handler.peerId());
        assertTrue(channel.isActive());
    }

    @Test
    void aMalformedFrameClosesTheConnection() {
        receive(new PeerFrame.Hello(3, "c1"));
        ByteBuf garbage = ByteBufAllocator.DEFAULT.buffer().writeByte(PeerOpcodes.RAFT_MESSAGE).writeLong(0).writeByte(99);
        channel.writeInbound(garbage);
        assertFalse(channel.isActive());
        assertEquals(0, garbage.refCnt(), "the handler releases what it reads");
    }

    /** Delivers the frames as one read, the way a decoder hands on every frame of one TCP segment. */
    private void receive(PeerFrame... frames) {
        Object[] bodies = new Object[frames.length];
        for (int i = 0; i < frames.length; i++) {
            bodies[i] = body(frames[i]);
        }
        channel.writeInbound(bodies);
    }

    private PeerFrame sentAck() {
        ByteBuf frame = channel.readOutbound();
        try {
            return PeerFrame.decode(frame.skipBytes(FrameLimits.LENGTH_PREFIX_BYTES));
        } finally {
            frame.release();
        }
    }

    /** What a FrameDecoder would emit for {@code frame}: the body, without the length prefix. */
    private static ByteBuf body(PeerFrame frame) {
        return FrameEncoder.encode(ByteBufAllocator.DEFAULT, frame).skipBytes(FrameLimits.LENGTH_PREFIX_BYTES);
    }
}
