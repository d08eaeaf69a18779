package io.tern.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SniHandler;
import io.tern.client.protocol.Opcode;
import io.tern.client.protocol.Response;
import io.tern.client.protocol.ResponseCodec;
import io.tern.platform.tls.TestCertificates;
import io.tern.platform.tls.TestCertificates.CertificateSet;
import io.tern.raft.transport.PeerOpcodes;
import io.tern.server.tls.ServerTls;
import io.tern.server.tls.TlsSettings;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the front of a TLS port lets through, and that only a certified member may say hello. */
class TlsFrontTest {

    @TempDir
    Path tmp;

    private ServerTls tls(boolean clients, boolean members) throws Exception {
        CertificateSet c = TestCertificates.make(tmp.resolve("certs"));
        return ServerTls.start(new TlsSettings(clients ? c.serverCert() : null, clients ? c.serverKey() : null, null,
                false, members ? c.peerCert() : null, members ? c.peerKey() : null, members ? c.ca() : null,
                TlsSettings.DEFAULT_RELOAD_INTERVAL), 1);
    }

    /** {@code u32 length | u8 opcode | u64 requestId}, as the first frame of a connection starts. */
    private static ByteBuf frame(int opcode, long requestId) {
        return Unpooled.buffer().writeInt(9).writeByte(opcode).writeLong(requestId);
    }

    @Test
    void aPlaintextRequestToAClientTlsPortIsAnsweredOnceAndClosed() throws Exception {
        try (ServerTls tls = tls(true, true)) {
            EmbeddedChannel plaintext = new EmbeddedChannel(new TlsFront(tls));
            plaintext.writeInbound(frame(Opcode.GET.code(), 42));
            ByteBuf answer = plaintext.readOutbound();
            answer.skipBytes(4);
            Response.BadRequest refused = assertInstanceOf(Response.BadRequest.class, ResponseCodec.decode(answer, Opcode.GET));
            assertEquals(42, refused.requestId());
            assertEquals(TlsFront.PLAINTEXT_REFUSED, refused.message());
            assertFalse(plaintext.isOpen());
            assertNull(plaintext.readInbound(), "nothing reached the handlers behind");
        }
    }

    @Test
    void plaintextPassesWhereItIsAllowedAndTlsGoesToTheCertificateChooser() throws Exception {
        try (ServerTls tls = tls(true, false)) {
            EmbeddedChannel member = new EmbeddedChannel(new TlsFront(tls));
            member.writeInbound(frame(PeerOpcodes.PEER_HELLO, 1));
            assertTrue(member.isOpen(), "without peer TLS, members still speak plaintext");
            assertEquals(13, ((ByteBuf) member.readInbound()).readableBytes());

            EmbeddedChannel handshake = new EmbeddedChannel(new TlsFront(tls));
            handshake.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x16, 0x03, 0x01, 0x00, 0x40}));
            assertTrue(handshake.pipeline().get("tls") instanceof SniHandler);
        }
    }

    @Test
    void withPeerTlsOnlyACertifiedConnectionMaySayHello() throws Exception {
        try (ServerTls tls = tls(false, true)) {
            AtomicInteger peers = new AtomicInteger();
            EmbeddedChannel stranger = routed(tls, peers, false);
            stranger.writeInbound(frame(PeerOpcodes.PEER_HELLO, 1));
            assertFalse(stranger.isOpen());
            assertEquals(0, peers.get());

            EmbeddedChannel member = routed(tls, peers, true);
            member.writeInbound(frame(PeerOpcodes.PEER_HELLO, 1));
            assertTrue(member.isOpen());
            assertEquals(1, peers.get());
        }
    }

    private static EmbeddedChannel routed(ServerTls tls, AtomicInteger peers, boolean certified) {
        EmbeddedChannel channel = new EmbeddedChannel();
        if (certified) {
            channel.attr(TlsFront.MEMBER_CERTIFIED).set(Boolean.TRUE);
        }
        channel.pipeline().addLast(new SharedPortFrameDecoder(), new ConnectionRouter(() -> {
            peers.incrementAndGet();
            return new ChannelInboundHandlerAdapter();
        }, () -> null, 10, ctx -> TlsFront.mayBeMember(tls, ctx)));
        return channel;
    }
}
