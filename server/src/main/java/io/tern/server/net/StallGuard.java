package io.tern.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection that holds server memory without moving: one that sent part of a frame and
 * then went silent, or one that leaves its answers unread. A connection that is merely idle, with
 * no partial frame and nothing waiting to be written, is left alone, as clients keep pooled
 * connections open.
 *
 * <p>It sits before the frame decoder to count the bytes that arrive; {@link #frameCounter()} sits
 * after it to count the bytes that made whole frames. More arrived than was framed means a frame
 * is half received. While the connection itself has stopped reading (back-pressure), that is not
 * the client's stall.
 */
final class StallGuard extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(StallGuard.class);

    private final long stallNanos;
    private long bytesIn;
    private long bytesFramed;
    private long lastInput = System.nanoTime();
    private long lastPendingOutput;
    private long outputStuckSince;
    private ScheduledFuture<?> check;

    StallGuard(Duration stallTimeout) {
        this.stallNanos = stallTimeout.toNanos();
    }

    /** The handler to put right after the frame decoder. */
    ChannelInboundHandlerAdapter frameCounter() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof ByteBuf body) {
                    bytesFramed += body.readableBytes() + 4L;
                }
                ctx.fireChannelRead(msg);
            }
        };
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        long period = Math.max(1, stallNanos / 4);
        check = ctx.executor().scheduleAtFixedRate(() -> inspect(ctx), period, period, TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (check != null) {
            check.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes) {
            bytesIn += bytes.readableBytes();
            lastInput = System.nanoTime();
        }
        ctx.fireChannelRead(msg);
    }

    private void inspect(ChannelHandlerContext ctx) {
        long now = System.nanoTime();
        if (!ctx.channel().config().isAutoRead()) {
            // The server stopped reading (back-pressure): a half-received frame waits on us, not on the
            // client, and the client gets a whole stall timeout once reading resumes.
            lastInput = now;
        } else if (bytesIn > bytesFramed && now - lastInput >= stallNanos) {
            log.debug("closing {}: it stopped in the middle of a frame", ctx.channel().remoteAddress());
            ctx.close();
            return;
        }
        ChannelOutboundBuffer output = ctx.channel().unsafe().outboundBuffer();
        long pending = output == null ? 0 : output.totalPendingWriteBytes();
        if (pending == 0 || pending != lastPendingOutput) {
            lastPendingOutput = pending;
            outputStuckSince = now;
        } else if (now - outputStuckSince >= stallNanos) {
            log.debug("closing {}: it left {} bytes of answers unread", ctx.channel().remoteAddress(), pending);
            ctx.close();
        }
    }
}
