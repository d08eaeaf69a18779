package io.tern.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.ReferenceCountUtil;
import io.netty.handler.ssl.SslHandler;
import io.tern.client.protocol.AuthResponses;
import io.tern.client.protocol.FrameWriter;
import io.tern.client.protocol.WatchRequests;
import io.tern.platform.StageTrace;
import io.tern.server.service.Caller;
import java.util.Optional;
import io.tern.client.protocol.ProtocolException;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.RequestCodec;
import io.tern.client.protocol.Response;
import io.tern.client.protocol.Status;
import io.tern.client.protocol.TooLargeException;
import io.tern.server.metrics.RequestMetrics;
import io.tern.server.service.RequestDispatcher;
import io.tern.server.watch.WatchHub;
import io.tern.server.watch.WatchSession;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: decodes each request, hands it to the {@link RequestDispatcher} and
 * writes each answer as soon as it is ready, in any order (pipelining).
 *
 * <p>Back-pressure: with too many requests in flight, too many bytes of them, or answers piling up
 * faster than the client reads them, the connection stops reading until they drain. A client that lets more than the
 * pending-output bound pile up is disconnected. All state is touched on the channel's event loop.
 */
final class ClientConnection extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);

    /** Requests one connection may have in flight before it stops reading more. */
    static final int MAX_IN_FLIGHT = 4096;

    /** Request bytes (whole frames) one connection may have in flight before it stops reading more. */
    static final long MAX_IN_FLIGHT_BYTES = 16L << 20;

    private final RequestDispatcher dispatcher;
    private final InFlightRequests serverInFlight;
    private final long maxPendingOutputBytes;
    private final WatchHub watchHub;
    private final RequestMetrics requestMetrics;
    /** This connection's watches, opened with the first watch request. */
    private WatchSession watches;
    /** The backup this connection is streaming, if any: one at a time. */
    private BackupStream backup;
    private int inFlight;
    private long inFlightBytes;
    /** The token this connection's last successful AUTHENTICATE got; its requests are made as its user. */
    private String token;
    /** The common name of the client certificate the handshake verified, looked up once; "" if none. */
    private String certificateName;

    ClientConnection(RequestDispatcher dispatcher, InFlightRequests serverInFlight, long maxPendingOutputBytes,
                     WatchHub watchHub, RequestMetrics requestMetrics) {
        this.requestMetrics = requestMetrics;
        this.dispatcher = dispatcher;
        this.serverInFlight = serverInFlight;
        this.maxPendingOutputBytes = maxPendingOutputBytes;
        this.watchHub = watchHub;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf body)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        long frameBytes = body.readableBytes() + 4L;
        long received = System.nanoTime();
        Request request;
        try {
            request = RequestCodec.decode(body);
        } catch (ProtocolException e) {
            respond(ctx, e.status() == Status.TOO_LARGE ? new Response.TooLarge(e.requestIdOrZero(), e.getMessage())
                    : new Response.BadRequest(e.requestIdOrZero(), e.getMessage()));
            return;
        } finally {
            body.release();
        }
        StageTrace.mark(StageTrace.Stage.CLIENT_DECODED, 0);
        inFlight++;
        inFlightBytes += frameBytes;
        serverInFlight.begin();
        updateReading(ctx);
        serve(ctx, request).whenComplete((response, error) -> {
            Response answer = error == null ? response
                    : new Response.Internal(request.requestId(), "unexpected failure: " + error);
            if (answer != null) {
                requestMetrics.answered(request.opcode(), answer.status(), System.nanoTime() - received);
            }
            if (ctx.executor().inEventLoop()) {
                finish(ctx, answer, frameBytes);
            } else {
                ctx.executor().execute(() -> finish(ctx, answer, frameBytes));
            }
        });
    }

    /**
     * Watch requests go to this connection's watch session, which writes their answers itself (a
     * watch answers many times) and completes with {@code null} once it has taken the request.
     */
    private CompletableFuture<Response> serve(ChannelHandlerContext ctx, Request request) {
        Caller caller = caller(ctx);
        if (request instanceof Request.WithToken withToken
                && (withToken.request() instanceof Request.WatchRequest || withToken.request() instanceof Request.Backup)) {
            // Served by this connection rather than the dispatcher, so unwrapped here.
            caller = Caller.token(withToken.token());
            request = withToken.request();
        }
        if (request instanceof Request.WatchRequest watch) {
            if (watch instanceof WatchRequests.Create create) {
                Optional<Response> refused = dispatcher.checkWatch(create, caller);
                if (refused.isPresent()) {
                    return CompletableFuture.completedFuture(refused.get());
                }
            }
            if (watches == null) {
                ChannelWatchSink sink = new ChannelWatchSink(ctx.channel(), maxPendingOutputBytes);
                watches = watchHub.openSession(sink);
                sink.onDrained(watches::writable);
            }
            return watches.serve(watch);
        }
        if (request instanceof Request.Backup backupRequest) {
            return startBackup(ctx, backupRequest, caller);
        }
        return dispatcher.dispatch(request, ctx.executor(), caller);
    }

    /**
     * Who makes this connection's requests: the user its token names, else the user its verified client
     * certificate names (as etcd does under {@code --client-cert-auth}), else nobody.
     */
    private Caller caller(ChannelHandlerContext ctx) {
        if (token != null) {
            return Caller.token(token);
        }
        if (certificateName == null) {
            certificateName = ClientCertificates.commonName(ctx.pipeline().get(SslHandler.class));
        }
        return certificateName.isEmpty() ? Caller.ANONYMOUS : new Caller.CertificateName(certificateName);
    }

    /** A backup writes its pieces itself; the future carries only a failure that ends it, or null. */
    private CompletableFuture<Response> startBackup(ChannelHandlerContext ctx, Request.Backup request, Caller caller) {
        if (backup != null) {
            return CompletableFuture.completedFuture(new Response.BadRequest(request.requestId(),
                    "a backup is already streaming on this connection; open another connection"));
        }
        BackupStream stream = BackupStream.start(ctx, request, dispatcher, caller);
        backup = stream;
        return stream.done().whenComplete((answer, error) -> {
            if (backup == stream) {
                backup = null;
            }
        });
    }

    private void finish(ChannelHandlerContext ctx, Response response, long frameBytes) {
        inFlight--;
        inFlightBytes -= frameBytes;
        serverInFlight.end();
        if (response instanceof AuthResponses.Authenticated authenticated) {
            token = authenticated.token();
        }
        if (response != null) {
            respond(ctx, response);
        }
        updateReading(ctx);
    }

    private void respond(ChannelHandlerContext ctx, Response response) {
        if (!ctx.channel().isActive()) {
            return;
        }
        ctx.writeAndFlush(encode(ctx.alloc(), response), ctx.voidPromise());
        StageTrace.mark(StageTrace.Stage.CLIENT_ANSWERED, 0);
        ChannelOutboundBuffer output = ctx.channel().unsafe().outboundBuffer();
        if (output != null && output.totalPendingWriteBytes() > maxPendingOutputBytes) {
            log.debug("closing {}: over {} bytes of answers unread", ctx.channel().remoteAddress(), maxPendingOutputBytes);
            ctx.close();
        }
    }

    /** Reads while the client is within its in-flight budgets and is taking its answers. */
    private void updateReading(ChannelHandlerContext ctx) {
        boolean read = inFlight < MAX_IN_FLIGHT && inFlightBytes < MAX_IN_FLIGHT_BYTES && ctx.channel().isWritable();
        if (ctx.channel().config().isAutoRead() != read) {
            ctx.channel().config().setAutoRead(read);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        updateReading(ctx);
        if (watches != null && ctx.channel().isWritable()) {
            watches.writable();
        }
        if (backup != null && ctx.channel().isWritable()) {
            backup.writable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (watches != null) {
            watches.close();
        }
        if (backup != null) {
            backup.close();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            ctx.writeAndFlush(encode(ctx.alloc(), frameTooLarge(cause))).addListener(ChannelFutureListener.CLOSE);
        } else {
            if (!(cause instanceof IOException)) {
                log.warn("closing client connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
            }
            ctx.close();
        }
    }

    static Response frameTooLarge(Throwable cause) {
        return new Response.TooLarge(0, cause.getMessage());
    }

    static ByteBuf encode(ByteBufAllocator allocator, Response response) {
        ByteBuf out = allocator.ioBuffer(64);
        try {
            FrameWriter.writeResponse(response, out);
        } catch (TooLargeException e) {
            FrameWriter.writeResponse(new Response.Internal(response.requestId(), "the answer would be "
                    + "over the frame limit"), out);
        }
        return out;
    }
}
