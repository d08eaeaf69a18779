package io.tern.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.tern.client.protocol.ProtocolLimits;
import io.tern.raft.transport.FrameLimits;
import org.junit.jupiter.api.Test;

/** Clients get the contract's frame limit; a member's connection, after its hello, the larger peer limit. */
class SharedPortFrameDecoderTest {

    @Test
    void aClientFrameOfExactlyTheLimitPassesAndOneByteMoreIsRefusedAtItsPrefix() {
        EmbeddedChannel client = new EmbeddedChannel(new SharedPortFrameDecoder());
        client.writeInbound(frameOf(ProtocolLimits.MAX_FRAME_BODY_BYTES));
        ByteBuf body = client.readInbound();
        assertEquals(ProtocolLimits.MAX_FRAME_BODY_BYTES, body.readableBytes());
        body.release();

        ByteBuf prefixOnly = Unpooled.buffer(4).writeInt(ProtocolLimits.MAX_FRAME_BODY_BYTES + 1);
        TooLongFrameException e = assertThrows(TooLongFrameException.class, () -> client.writeInbound(prefixOnly));
        assertTrue(e.getMessage().contains("over the limit of " + ProtocolLimits.MAX_FRAME_BODY_BYTES), e.getMessage());
        // The rest of the refused frame is not mistaken for frames.
        client.writeInbound(Unpooled.buffer().writeInt(3).writeBytes(new byte[] {1, 2, 3}));
        assertNull(client.readInbound());
        client.finishAndReleaseAll();
    }

    @Test
    void aMembersConnectionAdmitsTheLargestAppendEntriesAfterItsHello() {
        assertTrue(FrameLimits.MAX_BODY_BYTES > ProtocolLimits.MAX_FRAME_BODY_BYTES);
        SharedPortFrameDecoder decoder = new SharedPortFrameDecoder();
        EmbeddedChannel member = new EmbeddedChannel(decoder);
        decoder.admitPeerFrames();
        member.writeInbound(frameOf(FrameLimits.MAX_BODY_BYTES));
        ByteBuf body = member.readInbound();
        assertEquals(FrameLimits.MAX_BODY_BYTES, body.readableBytes());
        body.release();
        ByteBuf prefixOnly = Unpooled.buffer(4).writeInt(FrameLimits.MAX_BODY_BYTES + 1);
        assertThrows(TooLongFrameException.class, () -> member.writeInbound(prefixOnly));
        member.finishAndReleaseAll();
    }

    private static ByteBuf frameOf(int bodyBytes) {
        return Unpooled.buffer(4 + bodyBytes).writeInt(bodyBytes).writerIndex(4 + bodyBytes);
    }
}
