package io.tern.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.Mapping;
import io.tern.client.protocol.ProtocolLimits;
import io.tern.client.protocol.Response;
import io.tern.raft.transport.PeerOpcodes;
import io.tern.server.tls.ServerTls;
import java.util.List;

/**
 * The front of every connection to a port with TLS. From the first bytes it tells a TLS handshake
 * from a plaintext frame (a frame's length prefix can never look like a TLS record: that would be a
 * body of over 300 MB). A handshake goes on to a {@link SniHandler} that picks the member-facing or
 * client-facing certificate by the name the other end asked for; plaintext goes on only where it is
 * allowed (no client TLS, or a member's hello without peer TLS). Any other plaintext request is
 * answered once with BAD_REQUEST, naming the cause, and the connection closed, so a client that forgot
 * TLS gets one clear line instead of a reset.
 */
final class TlsFront extends ByteToMessageDecoder {

    /** Set on a connection whose handshake required and checked a certificate of the peer CA. */
    static final AttributeKey<Boolean> MEMBER_CERTIFIED = AttributeKey.valueOf("tern.memberCertified");

    static final String PLAINTEXT_REFUSED = "this port requires TLS: connect with TLS (the CLI's --cacert, "
            + "the Java client's trustCertificates)";

    private static final int TLS_RECORD_HEADER_BYTES = 5;
    private static final int FIRST_FRAME_HEADER_BYTES = ProtocolLimits.LENGTH_PREFIX_BYTES + 1 + Long.BYTES;

    private final ServerTls tls;

    TlsFront(ServerTls tls) {
        this.tls = tls;
    }

    /** Whether {@code ctx}'s connection may speak as a member (say hello, send Raft messages). */
    static boolean mayBeMember(ServerTls tls, ChannelHandlerContext ctx) {
        return !tls.peerTls() || Boolean.TRUE.equals(ctx.channel().attr(MEMBER_CERTIFIED).get());
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < TLS_RECORD_HEADER_BYTES) {
            return;
        }
        if (SslHandler.isEncrypted(in, false)) {
            ctx.pipeline().replace(this, "tls", new CertificateChooser(tls));
            return;
        }
        if (!tls.clientTls()) {
            ctx.pipeline().remove(this);
            return;
        }
        int opcode = in.getUnsignedByte(in.readerIndex() + ProtocolLimits.LENGTH_PREFIX_BYTES);
        if (opcode == PeerOpcodes.PEER_HELLO && !tls.peerTls()) {
            ctx.pipeline().remove(this);
            return;
        }
        if (in.readableBytes() < FIRST_FRAME_HEADER_BYTES) {
            return;
        }
        long requestId = in.getLong(in.readerIndex() + ProtocolLimits.LENGTH_PREFIX_BYTES + 1);
        in.skipBytes(in.readableBytes());
        ctx.writeAndFlush(ClientConnection.encode(ctx.alloc(), new Response.BadRequest(requestId, PLAINTEXT_REFUSED)))
                .addListener(ChannelFutureListener.CLOSE);
    }

    /** Picks the certificate by the server name asked for, and marks a member's connection. */
    private static final class CertificateChooser extends SniHandler {

        private final ServerTls tls;

        CertificateChooser(ServerTls tls) {
            super((Mapping<String, SslContext>) tls::contextFor);
            this.tls = tls;
        }

        @Override
        protected void replaceHandler(ChannelHandlerContext ctx, String hostname, SslContext sslContext)
                throws Exception {
            if (tls.authenticatesMembers(sslContext)) {
                ctx.channel().attr(MEMBER_CERTIFIED).set(Boolean.TRUE);
            }
            super.replaceHandler(ctx, hostname, sslContext);
        }
    }
}
