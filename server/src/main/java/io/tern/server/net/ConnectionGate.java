package io.tern.server.net;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts open connections on the port. One over the limit is not closed at once: it is marked, and
 * the {@link ConnectionRouter} refuses it cleanly (an UNAVAILABLE answer, then close) unless its
 * first frame is a member's hello, so a flood of clients cannot cut the cluster's own links.
 */
@ChannelHandler.Sharable
final class ConnectionGate extends ChannelInboundHandlerAdapter {

    static final AttributeKey<Boolean> OVER_LIMIT = AttributeKey.valueOf("tern.overLimit");

    private final int limit;
    private final AtomicInteger open = new AtomicInteger();

    ConnectionGate(int limit) {
        this.limit = limit;
    }

    int openConnections() {
        return open.get();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (open.incrementAndGet() > limit) {
            ctx.channel().attr(OVER_LIMIT).set(Boolean.TRUE);
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        open.decrementAndGet();
        ctx.fireChannelInactive();
    }
}
