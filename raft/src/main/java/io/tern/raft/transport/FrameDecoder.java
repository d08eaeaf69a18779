package io.tern.raft.transport;

import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;

/**
 * Splits the byte stream into frame bodies per the contract ({@code u32 length | body[length]}) and
 * passes each body on as a {@code ByteBuf} (opcode, requestId, fields) that the next handler must
 * release.
 *
 * <p>A length prefix over {@link FrameLimits#MAX_BODY_BYTES} raises a {@link TooLongFrameException}
 * as soon as the prefix has arrived: nothing is allocated or awaited for the announced body. The
 * handler after this one decides what to do (a peer connection closes).
 */
public final class FrameDecoder extends LengthFieldBasedFrameDecoder {

    public FrameDecoder() {
        super(FrameLimits.LENGTH_PREFIX_BYTES + FrameLimits.MAX_BODY_BYTES,
                0, FrameLimits.LENGTH_PREFIX_BYTES, 0, FrameLimits.LENGTH_PREFIX_BYTES, true);
    }
}
