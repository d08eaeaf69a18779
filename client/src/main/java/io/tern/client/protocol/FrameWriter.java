package io.tern.client.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Writes whole frames ({@code u32 length | body}) for either side, refusing a body the receiver
 * would refuse: a sender finds out from its own exception rather than from a closed connection.
 */
public final class FrameWriter {

    private FrameWriter() {
    }

    /**
     * Appends {@code request} as one frame.
     *
     * @throws TooLargeException if the body is over {@link ProtocolLimits#MAX_FRAME_BODY_BYTES};
     *                           {@code out} is then left as it was
     */
    public static void writeRequest(Request request, ByteBuf out) {
        int start = begin(out);
        RequestCodec.encode(request, out);
        finish(out, start, request.requestId());
    }

    /**
     * Appends {@code response} as one frame.
     *
     * @throws TooLargeException if the body is over {@link ProtocolLimits#MAX_FRAME_BODY_BYTES};
     *                           {@code out} is then left as it was
     */
    public static void writeResponse(Response response, ByteBuf out) {
        int start = begin(out);
        ResponseCodec.encode(response, out);
        finish(out, start, response.requestId());
    }

    // The body's size is known only once it is written, so the prefix is filled in afterwards.
    private static int begin(ByteBuf out) {
        int start = out.writerIndex();
        out.writeInt(0);
        return start;
    }

    private static void finish(ByteBuf out, int start, long requestId) {
        int bodyBytes = out.writerIndex() - start - ProtocolLimits.LENGTH_PREFIX_BYTES;
        if (bodyBytes > ProtocolLimits.MAX_FRAME_BODY_BYTES) {
            out.writerIndex(start);
            throw new TooLargeException("frame body of " + bodyBytes + " bytes is over the limit of "
                    + ProtocolLimits.MAX_FRAME_BODY_BYTES, requestId);
        }
        out.setInt(start, bodyBytes);
    }
}
