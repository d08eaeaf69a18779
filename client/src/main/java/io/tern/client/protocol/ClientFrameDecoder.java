package io.tern.client.protocol;

import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;

/**
 * Splits the byte stream into frame bodies ({@code u32 length | body[length]}) and passes each body
 * on as a {@code ByteBuf} that the next handler decodes (with {@link RequestCodec} or
 * {@link ResponseCodec}) and must release.
 *
 * <p>A length prefix over {@link ProtocolLimits#MAX_FRAME_BODY_BYTES} raises a
 * {@link TooLongFrameException} as soon as the prefix has arrived: nothing is allocated or awaited
 * for the announced body. The next handler decides what follows; the server answers TOO_LARGE with
 * requestId 0 and closes, as the contract requires.
 */
public final class ClientFrameDecoder extends LengthFieldBasedFrameDecoder {

    public ClientFrameDecoder() {
        // Netty's maximum counts the prefix too; the prefix is read unsigned, so no length is negative.
        super(ProtocolLimits.LENGTH_PREFIX_BYTES + ProtocolLimits.MAX_FRAME_BODY_BYTES,
                0, ProtocolLimits.LENGTH_PREFIX_BYTES, 0, ProtocolLimits.LENGTH_PREFIX_BYTES, true);
    }
}
