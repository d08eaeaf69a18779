package io.tern.raft.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.ReferenceCountUtil;
import io.tern.raft.core.Message;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving end of one connection from a peer: checks the peer's hello, decodes its frames and
 * hands them to the {@link PeerTransport.InboundHandler}, and answers snapshot chunks with acks.
 *
 * <p>It reads frame bodies ({@code ByteBuf}s of opcode, requestId, fields, as {@link FrameDecoder}
 * emits them), releases them, and writes its acks as ready-encoded bytes. So it needs nothing else
 * in the pipeline, and the server can put it behind its own decoder on the shared port and route to
 * it every frame with an opcode of {@link PeerOpcodes#FIRST_PEER_OPCODE} or above. One instance per
 * connection: it remembers who the connection belongs to.
 *
 * <p>A protocol violation (no hello first, another cluster, a peer protocol version this build
 * cannot speak, a malformed or oversized frame, a
 * frame a receiver never gets) closes the connection: the peer's transport reconnects, which puts
 * both sides back in step.
 */
public final class PeerChannelHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(PeerChannelHandler.class);

    private final String clusterId;
    private final PeerTransport.InboundHandler inbound;
    private final PeerVersions versions;

    /** The member id the peer introduced itself with; 0 until its hello arrived. */
    private long peerId;

    /**
     * Set once the connection is being closed for a violation: frames already read in the same batch
     * must not slip through (say, a right hello right after a refused one).
     */
    private boolean rejected;

    /** @param versions where the caller's peer protocol version is kept while this connection is open */
    public PeerChannelHandler(String clusterId, PeerTransport.InboundHandler inbound, PeerVersions versions) {
        this.clusterId = Objects.requireNonNull(clusterId, "clusterId");
        this.inbound = Objects.requireNonNull(inbound, "inbound");
        this.versions = Objects.requireNonNull(versions, "versions");
    }

    /** The member on the other end, or 0 before its hello arrived. */
    public long peerId() {
        return peerId;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf body)) {
            ReferenceCountUtil.release(msg);
            throw new IllegalStateException("expected frame bodies from a FrameDecoder, got " + msg.getClass());
        }
        if (rejected) {
            body.release();
            return;
        }
        PeerFrame frame;
        try {
            frame = PeerFrame.decode(body);
        } catch (MalformedFrameException e) {
            reject(ctx, e.getMessage());
            return;
        } finally {
            body.release();
        }
        if (peerId == 0) {
            acceptHello(ctx, frame);
            return;
        }
        switch (frame) {
            case PeerFrame.RaftMessage m -> deliver(m.message());
            case PeerFrame.Chunk c -> receiveChunk(ctx, c);
            case PeerFrame.Hello h -> reject(ctx, "a second hello, from member " + h.memberId());
            case PeerFrame.ChunkAck a -> reject(ctx, "an ack on a connection that sends no chunks");
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (peerId != 0) {
            versions.disconnected(peerId, this);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // An oversized length prefix is the expected case; anything else is a bug worth its type name.
        reject(ctx, cause instanceof TooLongFrameException ? cause.getMessage() : cause.toString());
    }

    private void acceptHello(ChannelHandlerContext ctx, PeerFrame frame) {
        if (!(frame instanceof PeerFrame.Hello hello)) {
            reject(ctx, "the first frame must be PEER_HELLO, was opcode 0x" + Integer.toHexString(frame.opcode()));
        } else if (!hello.clusterId().equals(clusterId)) {
            reject(ctx, "member " + hello.memberId() + " belongs to cluster '" + hello.clusterId()
                    + "', this node to '" + clusterId + "'");
        } else if (hello.memberId() < 1) {
            reject(ctx, "member ids are positive, the hello named " + hello.memberId());
        } else if (hello.incompatibility() != null) {
            reject(ctx, hello.incompatibility());
        } else {
            peerId = hello.memberId();
            versions.connected(peerId, this, hello.version());
            log.debug("Member {} connected from {}", peerId, ctx.channel().remoteAddress());
        }
    }

    private void deliver(Message message) {
        if (message.from() != peerId) {
            // A peer relaying someone else's message is a bug on its side; Raft copes with the loss.
            log.warn("Dropping a {} from {} that arrived on member {}'s connection",
                    message.getClass().getSimpleName(), message.from(), peerId);
            return;
        }
        try {
            inbound.onMessage(message);
        } catch (RuntimeException e) {
            // The driver's problem, not the connection's: keep it open for the next message.
            log.error("The inbound handler failed on a message from member {}", peerId, e);
        }
    }

    private void receiveChunk(ChannelHandlerContext ctx, PeerFrame.Chunk chunk) {
        CompletableFuture<Void> installed;
        try {
            installed = Objects.requireNonNull(inbound.onSnapshotChunk(peerId, chunk.snapshotIndex(), chunk.chunk()),
                    "onSnapshotChunk returned null");
        } catch (RuntimeException e) {
            installed = CompletableFuture.failedFuture(e);
        }
        long requestId = chunk.requestId();
        installed.whenComplete((ignored, failure) -> {
            PeerFrame.ChunkAck ack = failure == null
                    ? PeerFrame.ChunkAck.accepted(requestId)
                    : PeerFrame.ChunkAck.refused(requestId, describe(failure));
            if (ctx.channel().isActive()) {
                ctx.writeAndFlush(FrameEncoder.encode(ctx.alloc(), ack));
            }
        });
    }

    private void reject(ChannelHandlerContext ctx, String reason) {
        rejected = true;
        log.warn("Closing the peer connection from {}: {}", ctx.channel().remoteAddress(), reason);
        ctx.close();
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }
}
