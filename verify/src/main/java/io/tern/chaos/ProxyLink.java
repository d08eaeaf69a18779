package io.tern.chaos;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.util.ReferenceCountUtil;
import io.tern.chaos.FaultProxy.Direction;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One proxied connection: the accepted {@code downstream} channel, the {@code upstream} channel the
 * proxy opened for it, and a {@link DelayedPipe} per direction. Both channels share one event loop,
 * so each pipe is only ever touched by one thread.
 */
final class ProxyLink {

    private static final Logger log = LoggerFactory.getLogger(ProxyLink.class);

    private final FaultProxy proxy;
    private final Channel downstream;
    private final InetSocketAddress upstreamAddress;
    private final DelayedPipe toUpstream;
    private final DelayedPipe fromUpstream;
    private volatile Channel upstream;
    /** Set once a blackhole dropped a byte of it: from then on it carries nothing, and a heal resets it. */
    private volatile boolean lostBytes;

    /** @param upstreamAddress where the route that accepted {@code downstream} forwards to */
    ProxyLink(FaultProxy proxy, Channel downstream, InetSocketAddress upstreamAddress) {
        this.proxy = proxy;
        this.downstream = downstream;
        this.upstreamAddress = upstreamAddress;
        this.toUpstream = new DelayedPipe(proxy, Direction.TO_UPSTREAM, this);
        this.fromUpstream = new DelayedPipe(proxy, Direction.FROM_UPSTREAM, this);
    }

    /** The handler of the accepted channel, whose reads stay off until the upstream is connected. */
    ChannelInboundHandlerAdapter downstreamHandler() {
        return new SideHandler(toUpstream, fromUpstream) {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                if (!proxy.admit(ProxyLink.this)) {
                    resetAndClose(downstream);
                    return;
                }
                connectUpstream();
            }
        };
    }

    private void connectUpstream() {
        Bootstrap bootstrap = new Bootstrap()
                .group(downstream.eventLoop())
                .channel(proxy.socketChannelClass())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, FaultProxy.CONNECT_TIMEOUT_MILLIS)
                .handler(new SideHandler(fromUpstream, toUpstream));
        ChannelFuture connect = bootstrap.connect(upstreamAddress);
        upstream = connect.channel();
        connect.addListener(future -> {
            if (!future.isSuccess()) {
                log.debug("proxy {}: upstream {} unreachable: {}", proxy.localAddress(), upstreamAddress,
                        future.cause().toString());
                // The upstream refused: make the caller see a refusal too, not a silent hang.
                resetAndClose(downstream);
                return;
            }
            if (!downstream.isActive()) {
                upstream.close();
                return;
            }
            fromUpstream.start(upstream, downstream);
            toUpstream.start(downstream, upstream);
        });
    }

    /**
     * Closes both sides. With {@code reset} the sockets are closed with SO_LINGER 0, so the peers get
     * a RST as in a network blip rather than an orderly FIN.
     */
    ChannelFuture close(boolean reset) {
        Channel up = upstream;
        if (up != null) {
            if (reset) {
                resetAndClose(up);
            } else {
                up.close();
            }
        }
        return reset ? resetAndClose(downstream) : downstream.close();
    }

    /**
     * A byte of this connection was dropped. TCP never delivers a byte after one it lost (it
     * retransmits, or the connection dies), so neither does the proxy: both directions go silent
     * until {@link FaultProxy#heal()} resets the connection. Called on the link's event loop.
     */
    void lostBytes() {
        if (!lostBytes) {
            lostBytes = true;
            toUpstream.discard();
            fromUpstream.discard();
        }
    }

    boolean hasLostBytes() {
        return lostBytes;
    }

    Channel downstream() {
        return downstream;
    }

    private static ChannelFuture resetAndClose(Channel channel) {
        if (channel.isOpen()) {
            try {
                channel.config().setOption(ChannelOption.SO_LINGER, 0);
            } catch (RuntimeException e) {
                // Already closing: an ordinary close will do.
            }
        }
        return channel.close();
    }

    /** Reads of one channel feed {@code inbound}; the writability of it gates {@code outbound}'s source. */
    private class SideHandler extends ChannelInboundHandlerAdapter {
        private final DelayedPipe inbound;
        private final DelayedPipe outbound;

        SideHandler(DelayedPipe inbound, DelayedPipe outbound) {
            this.inbound = inbound;
            this.outbound = outbound;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf bytes) {
                inbound.offer(bytes);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            outbound.targetWritabilityChanged();
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            outbound.discard();
            inbound.sourceClosed();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("proxy {}: connection error: {}", proxy.localAddress(), cause.toString());
            close(false);
        }
    }
}
