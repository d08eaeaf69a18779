package io.tern.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.ReferenceCountUtil;
import io.tern.client.protocol.Response;
import io.tern.raft.transport.PeerOpcodes;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, from a connection's first frame, whether a member or a client is on the other end: a
 * member opens with its hello, anything else is a client. It then replaces itself with the
 * handler for that kind and passes the frame on; a member's connection admits peer frames from then
 * on ({@link SharedPortFrameDecoder#admitPeerFrames()}). A client connection over the limit is refused
 * here with one UNAVAILABLE answer. With peer TLS, a hello is taken only on a connection whose handshake
 * proved a certificate of the peer CA; any other is closed, so nothing else can send Raft messages.
 */
final class ConnectionRouter extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ConnectionRouter.class);

    private final Supplier<ChannelInboundHandlerAdapter> peerHandler;
    private final Supplier<ClientConnection> clientHandler;
    private final int connectionLimit;
    private final Predicate<ChannelHandlerContext> mayBeMember;

    ConnectionRouter(Supplier<ChannelInboundHandlerAdapter> peerHandler, Supplier<ClientConnection> clientHandler,
                     int connectionLimit, Predicate<ChannelHandlerContext> mayBeMember) {
        this.peerHandler = peerHandler;
        this.clientHandler = clientHandler;
        this.connectionLimit = connectionLimit;
        this.mayBeMember = mayBeMember;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf body) || body.readableBytes() < 1) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        if (body.getUnsignedByte(body.readerIndex()) == PeerOpcodes.PEER_HELLO && !mayBeMember.test(ctx)) {
            body.release();
            log.warn("Refused a member's connection from {}: members must connect with TLS and a certificate of "
                    + "--peer-trusted-ca-file", ctx.channel().remoteAddress());
            ctx.close();
            return;
        }
        if (body.getUnsignedByte(body.readerIndex()) == PeerOpcodes.PEER_HELLO) {
            ctx.pipeline().get(SharedPortFrameDecoder.class).admitPeerFrames();
            ctx.pipeline().replace(this, "peer", peerHandler.get());
        } else if (Boolean.TRUE.equals(ctx.channel().attr(ConnectionGate.OVER_LIMIT).get())) {
            body.release();
            refuse(ctx, new Response.Unavailable(0, "too many connections (the limit is " + connectionLimit + ")"));
            return;
        } else {
            ctx.pipeline().replace(this, "client", clientHandler.get());
        }
        ctx.fireChannelRead(body);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            refuse(ctx, ClientConnection.frameTooLarge(cause));
        } else {
            ctx.close();
        }
    }

    private static void refuse(ChannelHandlerContext ctx, Response response) {
        ctx.writeAndFlush(ClientConnection.encode(ctx.alloc(), response)).addListener(ChannelFutureListener.CLOSE);
    }
}
