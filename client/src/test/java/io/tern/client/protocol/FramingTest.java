package io.tern.client.protocol;

import static io.tern.client.protocol.Samples.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The contract's framing on an in-memory channel. */
class FramingTest {

    @Test
    void putFrameHasPinnedBytes() {
        ByteBuf frame = Unpooled.buffer();
        FrameWriter.writeRequest(new Request.Put(7, b("k"), b("v")), frame);
        assertEquals("00000013" + "02" + "0000000000000007" + "00000001" + "6b" + "00000001" + "76",
                HexFormat.of().formatHex(Samples.bytes(frame)));
    }

    @Test
    void everyRequestSurvivesEncoderAndDecoderSplitAnywhere() {
        List<Request> requests = Samples.requests();
        EmbeddedChannel sender = new EmbeddedChannel(new ClientFrameEncoder());
        requests.forEach(sender::writeOutbound);
        ByteBuf wire = Unpooled.buffer();
        for (ByteBuf piece; (piece = sender.readOutbound()) != null; piece.release()) {
            wire.writeBytes(piece);
        }
        // Split at an awkward place, inside a length prefix: the decoder must reassemble.
        EmbeddedChannel receiver = new EmbeddedChannel(new ClientFrameDecoder());
        receiver.writeInbound(wire.readRetainedSlice(2));
        receiver.writeInbound(wire.readRetainedSlice(15));
        receiver.writeInbound(wire);
        for (Request request : requests) {
            ByteBuf body = receiver.readInbound();
            assertEquals(request, RequestCodec.decode(body));
            body.release();
        }
        assertNull(receiver.readInbound());
        assertFalse(receiver.finish());
    }

    @Test
    void responseFramesDecodeToo() {
        ByteBuf wire = Unpooled.buffer();
        for (Samples.Answer answer : Samples.responses()) {
            FrameWriter.writeResponse(answer.response(), wire);
        }
        EmbeddedChannel receiver = new EmbeddedChannel(new ClientFrameDecoder());
        receiver.writeInbound(wire);
        for (Samples.Answer answer : Samples.responses()) {
            ByteBuf body = receiver.readInbound();
            assertEquals(answer.response(), ResponseCodec.decode(body, answer.opcode()));
            body.release();
        }
    }

    @Test
    void aPrefixOverTheLimitFailsAtOnceWithoutTheBody() {
        EmbeddedChannel receiver = new EmbeddedChannel(new ClientFrameDecoder());
        ByteBuf prefix = Unpooled.buffer().writeInt(ProtocolLimits.MAX_FRAME_BODY_BYTES + 1);
        assertThrows(TooLongFrameException.class, () -> receiver.writeInbound(prefix));

        EmbeddedChannel another = new EmbeddedChannel(new ClientFrameDecoder());
        assertThrows(TooLongFrameException.class, () -> another.writeInbound(Unpooled.buffer().writeInt(-1)));
    }

    @Test
    void aPrefixAtTheLimitWaitsForTheBody() {
        EmbeddedChannel receiver = new EmbeddedChannel(new ClientFrameDecoder());
        receiver.writeInbound(Unpooled.buffer().writeInt(ProtocolLimits.MAX_FRAME_BODY_BYTES).writeByte(7));
        assertNull(receiver.readInbound());
        receiver.finishAndReleaseAll();
    }

    @Test
    void anOversizedRequestIsRefusedBeforeSending() {
        Request huge = new Request.Put(9, b("k"), new byte[ProtocolLimits.MAX_FRAME_BODY_BYTES]);
        ByteBuf out = Unpooled.buffer().writeByte(1);
        TooLargeException e = assertThrows(TooLargeException.class, () -> FrameWriter.writeRequest(huge, out));
        assertEquals(9, e.requestIdOrZero());
        assertEquals(1, out.readableBytes(), "a refused frame leaves nothing behind");

        EmbeddedChannel sender = new EmbeddedChannel(new ClientFrameEncoder());
        EncoderException wrapped = assertThrows(EncoderException.class, () -> sender.writeOutbound(huge));
        assertInstanceOf(TooLargeException.class, wrapped.getCause());
        assertNull(sender.readOutbound());
    }
}
