package io.tern.client.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Turns each outbound {@link Request} into one frame. A request over the frame limit fails its
 * write with an {@code EncoderException} caused by {@link TooLargeException}, and nothing is sent.
 */
public final class ClientFrameEncoder extends MessageToByteEncoder<Request> {

    public ClientFrameEncoder() {
        super(Request.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Request request, ByteBuf out) {
        FrameWriter.writeRequest(request, out);
    }
}
