package io.tern.raft.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Writes {@link PeerFrame}s in the contract's framing: {@code u32 length | u8 opcode | u64
 * requestId | fields}. Encoding happens here, on the channel's event loop, so that a caller handing
 * over a large AppendEntries does not pay for the copy; the buffer is allocated at its exact size.
 */
public final class FrameEncoder extends MessageToByteEncoder<PeerFrame> {

    public FrameEncoder() {
        super(PeerFrame.class, true);
    }

    /**
     * Encodes one frame into a new buffer, for handlers that write bytes rather than frames (so that
     * they need no encoder in a pipeline they share with others).
     *
     * @throws EncoderException if the frame is over {@link FrameLimits#MAX_BODY_BYTES}
     */
    public static ByteBuf encode(ByteBufAllocator allocator, PeerFrame frame) {
        ByteBuf out = allocator.ioBuffer(frameSize(frame));
        try {
            write(frame, out);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, PeerFrame frame, boolean preferDirect) {
        return ctx.alloc().ioBuffer(frameSize(frame));
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, PeerFrame frame, ByteBuf out) {
        write(frame, out);
        if (frame instanceof PeerFrame.RaftMessage raft) {
            MessageStages.mark(raft.message(), MessageStages.Step.SENT);
        }
    }

    private static int frameSize(PeerFrame frame) {
        long body = frame.bodySize();
        if (body > FrameLimits.MAX_BODY_BYTES) {
            throw new EncoderException("a " + body + "-byte frame body (opcode 0x" + Integer.toHexString(frame.opcode())
                    + ") is over the limit of " + FrameLimits.MAX_BODY_BYTES + " bytes");
        }
        return FrameLimits.LENGTH_PREFIX_BYTES + (int) body;
    }

    private static void write(PeerFrame frame, ByteBuf out) {
        int size = frameSize(frame);
        int start = out.writerIndex();
        out.writeInt(size - FrameLimits.LENGTH_PREFIX_BYTES);
        out.writeByte(frame.opcode());
        out.writeLong(frame.requestId());
        frame.writeFields(out);
        int written = out.writerIndex() - start;
        if (written != size) {
            // A size computation out of step with its encoding would desynchronize the stream for good.
            throw new EncoderException("encoded " + written + " bytes for a frame announced as " + size + ": " + frame);
        }
    }
}
