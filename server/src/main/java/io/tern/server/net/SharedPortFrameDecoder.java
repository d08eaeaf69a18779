package io.tern.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.tern.client.protocol.ProtocolLimits;
import io.tern.raft.transport.FrameLimits;

/**
 * Splits the shared port's byte stream into frame bodies ({@code u32 length | body[length]}) for the
 * {@link ConnectionRouter} and whoever it hands the connection to.
 *
 * <p>Every connection starts with the contract's client limit: a length prefix over
 * {@link ProtocolLimits#MAX_FRAME_BODY_BYTES} raises a {@link TooLongFrameException} as soon as the
 * prefix has arrived, before anything is allocated for the body. A connection that opened with a
 * member's hello is told {@link #admitPeerFrames()}: from its next frame on, the limit is
 * {@link FrameLimits#MAX_BODY_BYTES}, a little more, so that an AppendEntries carrying the largest
 * entry a leader accepts can arrive.
 */
final class SharedPortFrameDecoder extends LengthFieldBasedFrameDecoder {

    private int maxBodyBytes = ProtocolLimits.MAX_FRAME_BODY_BYTES;
    /** Set once a prefix was refused: what follows is the rest of that frame, not frames. */
    private boolean refused;

    SharedPortFrameDecoder() {
        super(ProtocolLimits.LENGTH_PREFIX_BYTES
                        + Math.max(ProtocolLimits.MAX_FRAME_BODY_BYTES, FrameLimits.MAX_BODY_BYTES),
                0, ProtocolLimits.LENGTH_PREFIX_BYTES, 0, ProtocolLimits.LENGTH_PREFIX_BYTES, true);
    }

    /** Raises the limit to the one between members; called on the channel's event loop. */
    void admitPeerFrames() {
        maxBodyBytes = FrameLimits.MAX_BODY_BYTES;
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        if (refused) {
            in.skipBytes(in.readableBytes());
            return null;
        }
        if (in.readableBytes() >= ProtocolLimits.LENGTH_PREFIX_BYTES) {
            long length = in.getUnsignedInt(in.readerIndex());
            if (length > maxBodyBytes) {
                refused = true;
                in.skipBytes(in.readableBytes());
                throw new TooLongFrameException("a frame body of " + length + " bytes is over the limit of "
                        + maxBodyBytes);
            }
        }
        return super.decode(ctx, in);
    }
}
