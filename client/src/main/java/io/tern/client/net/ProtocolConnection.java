package io.tern.client.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.tern.client.protocol.ClientFrameDecoder;
import io.tern.client.protocol.ClientFrameEncoder;
import io.tern.client.protocol.MalformedResponseException;
import io.tern.client.protocol.Opcode;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.client.protocol.ResponseCodec;
import io.tern.platform.HostPort;
import io.tern.platform.tls.ClientTls;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP connection speaking the client protocol, with any number of requests in flight on it
 * (pipelining). Each request gets an id unique on this connection; answers are matched to their
 * {@link Exchange} by id, in whatever order they come. The Java client sends its calls over these,
 * and a follower forwards requests to its leader over them.
 *
 * <p>Every exchange handed to {@link #send} ends exactly once: answered, refused or failed as not
 * sent, lost with the connection, or {@link #forget forgotten} by its owner; whichever removes it
 * from the in-flight map first. A request that opens a stream (WATCH_CREATE) stays in flight,
 * taking each frame, until the frame its {@link Exchange#endsWith} calls the last. Sending runs on the channel's event loop, where the answers and the
 * channel's closing are handled too, so the in-flight bound and writability count every request taken
 * before, whichever thread sent it.
 */
public final class ProtocolConnection {

    private static final Logger log = LoggerFactory.getLogger(ProtocolConnection.class);

    /**
     * One request and whoever waits for its answer. The connection calls exactly one of
     * {@link #answered}, {@link #notSent}, {@link #lost} or {@link #malformed}, on its event loop, unless
     * the owner {@linkplain #forget forgot} the exchange first or {@link #request} returned null.
     */
    public interface Exchange {

        /** The request's opcode, which the answer's decoding depends on. */
        Opcode opcode();

        /**
         * The request to send under {@code requestId}, built at the moment it is sent; {@code null} if
         * it is no longer wanted (its owner gave up while it waited for the connection).
         */
        Request request(long requestId);

        /** The whole request went to the socket: from now on the peer may act on it. */
        default void written() {
        }

        /**
         * An answer. For most requests it is the only one; a request that opens a stream gets one
         * call per frame, until {@link #endsWith} says a frame is the last.
         */
        void answered(Response response);

        /**
         * Whether {@code response} is the last answer to the request; until then the exchange stays
         * in flight. Ordinary requests get one answer, so the default says yes.
         */
        default boolean endsWith(Response response) {
            return true;
        }

        /** The request certainly did not reach the peer: connect or write failed, or the connection refused it. */
        void notSent(Throwable cause);

        /** The connection closed with the request in flight (after {@link #written} or not). */
        void lost(Throwable cause);

        /** The answer did not decode; the connection closes, as it can no longer be trusted. */
        void malformed(MalformedResponseException e);
    }

    private final HostPort address;
    private final Bootstrap bootstrap;
    private final SendLimits limits;
    private final ClientTls tls;
    private final ConcurrentHashMap<Long, Exchange> inFlight = new ConcurrentHashMap<>();
    // Only ever incremented on the event loop, but read by owners forgetting their exchange.
    private volatile long lastId;

    private volatile ChannelFuture connecting;
    private volatile Throwable startFailure;
    private volatile boolean dead;

    /**
     * @param bootstrap the event loop group, channel type and options; this connection adds its own handlers
     */
    public ProtocolConnection(HostPort address, Bootstrap bootstrap, SendLimits limits) {
        this(address, bootstrap, limits, null);
    }

    /**
     * @param tls how to dial a TLS port, or null for plaintext; with TLS the connection counts as
     *            connected only once its handshake succeeded, so a refused handshake fails requests as not sent
     */
    public ProtocolConnection(HostPort address, Bootstrap bootstrap, SendLimits limits, ClientTls tls) {
        this.address = address;
        this.bootstrap = bootstrap;
        this.limits = limits;
        this.tls = tls;
    }

    public HostPort address() {
        return address;
    }

    /** Starts connecting; requests sent meanwhile wait for the outcome. Call once, before {@link #send}. */
    public void start() {
        ChannelFuture attempt;
        try {
            attempt = bootstrap.clone().handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel channel) {
                    if (tls != null) {
                        channel.pipeline().addLast(tls.newHandler(channel.alloc(), address.host(), address.port()));
                    }
                    channel.pipeline().addLast(
                            // One flush per event-loop turn for all the requests written in it.
                            new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES,
                                    true),
                            new ClientFrameEncoder(),
                            new ClientFrameDecoder(),
                            new ResponseHandler());
                }
            }).connect(address.unresolved());
        } catch (RuntimeException e) { // the event loops are gone (the owner is closing)
            startFailure = e;
            dead = true;
            return;
        }
        if (tls != null) {
            attempt = afterHandshake(attempt);
        }
        connecting = attempt;
        attempt.addListener((ChannelFutureListener) done -> {
            if (!done.isSuccess()) {
                dead = true;
                log.debug("Cannot connect to {}: {}", address, done.cause().toString());
            }
        });
    }

    /** Whether this connection failed to connect or closed; its owner then makes a new one. */
    public boolean isDead() {
        return dead;
    }

    /** Whether the connection was ever established (a failure before that is a failure to connect). */
    public boolean connected() {
        ChannelFuture connected = connecting;
        return connected != null && connected.isDone() && connected.isSuccess();
    }

    /** Sends {@code exchange} once connected, or fails it as not sent. */
    public void send(Exchange exchange) {
        ChannelFuture connected = connecting;
        if (connected == null) {
            exchange.notSent(startFailure);
        } else if (connected.isDone()) {
            sendConnected(connected, exchange);
        } else {
            connected.addListener((ChannelFutureListener) done -> sendConnected(done, exchange));
        }
    }

    /** How many requests await an answer here. */
    public int inFlight() {
        return inFlight.size();
    }

    /** Bytes written to the connection and not yet taken by the socket. */
    public long queuedBytes() {
        ChannelFuture connected = connecting;
        ChannelOutboundBuffer output = connected == null ? null : connected.channel().unsafe().outboundBuffer();
        return output == null ? 0 : output.totalPendingWriteBytes();
    }

    /**
     * Drops {@code exchange}, sent under {@code requestId}, from the in-flight map; an answer that
     * comes later is ignored.
     *
     * @return whether it was still there (and so the caller now owns its ending)
     */
    public boolean forget(long requestId, Exchange exchange) {
        return inFlight.remove(requestId, exchange);
    }

    /** Closes the channel; everything in flight fails as lost. */
    public void close() {
        dead = true;
        ChannelFuture connected = connecting;
        if (connected != null) {
            connected.channel().close();
        }
    }

    private void sendConnected(ChannelFuture connected, Exchange exchange) {
        if (!connected.isSuccess()) {
            exchange.notSent(connected.cause());
            return;
        }
        Channel channel = connected.channel();
        if (channel.eventLoop().inEventLoop()) {
            sendOnLoop(channel, exchange);
            return;
        }
        try {
            channel.eventLoop().execute(() -> sendOnLoop(channel, exchange));
        } catch (RejectedExecutionException e) {
            exchange.notSent(e);
        }
    }

    private void sendOnLoop(Channel channel, Exchange exchange) {
        if (!channel.isActive()) {
            // channelInactive runs on this loop too: nothing was sent, so nothing can have been applied.
            exchange.notSent(new ClosedChannelException());
            return;
        }
        if (inFlight.size() >= limits.maxInFlight() || (limits.refuseWhenNotWritable() && !channel.isWritable())) {
            exchange.notSent(new ConnectionBusyException(inFlight.size(), queuedBytes()));
            return;
        }
        long id = ++lastId;
        // In the map before the owner commits to sending: an owner that gives up after committing
        // finds it there to forget; one that gave up before makes request() return null.
        inFlight.put(id, exchange);
        Request request = exchange.request(id);
        if (request == null) {
            inFlight.remove(id, exchange);
            return;
        }
        channel.writeAndFlush(request).addListener(write -> {
            if (write.isSuccess()) {
                exchange.written();
            } else if (inFlight.remove(id, exchange)) {
                exchange.notSent(write.cause());
            }
        });
    }

    /** A future of the connection that completes when its TLS handshake has, failing with the TLS reason. */
    private ChannelFuture afterHandshake(ChannelFuture connect) {
        ChannelPromise handshaken = connect.channel().newPromise();
        connect.addListener((ChannelFutureListener) done -> {
            if (!done.isSuccess()) {
                handshaken.tryFailure(done.cause());
                return;
            }
            SslHandler ssl = done.channel().pipeline().get(SslHandler.class);
            ssl.handshakeFuture().addListener(handshake -> {
                if (handshake.isSuccess()) {
                    handshaken.trySuccess();
                } else {
                    SSLException failure = ClientTls.tlsFailure(handshake.cause());
                    handshaken.tryFailure(failure == null ? handshake.cause() : handshakeFailure(failure));
                }
            });
        });
        return handshaken;
    }

    /** A handshake that failed, explained in one line: nothing sent over the connection was read. */
    private static SSLHandshakeException handshakeFailure(SSLException failure) {
        SSLHandshakeException explained = new SSLHandshakeException(ClientTls.explain(failure));
        explained.initCause(failure);
        return explained;
    }

    private void lost(Throwable cause) {
        dead = true;
        // Writes still queued failed before channelInactive fired, and their listeners removed them,
        // so every remaining exchange knows for good whether it was written.
        for (var entry : inFlight.entrySet()) {
            if (inFlight.remove(entry.getKey(), entry.getValue())) {
                entry.getValue().lost(cause);
            }
        }
    }

    /** Matches each answer with its request and hands it to the request's exchange. */
    private final class ResponseHandler extends ChannelInboundHandlerAdapter {

        private Throwable closeCause;
        private boolean answeredOnce;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            answeredOnce = true;
            ByteBuf body = (ByteBuf) msg;
            try {
                long id = ResponseCodec.peekRequestId(body);
                Exchange exchange = inFlight.get(id);
                if (exchange == null) {
                    // An answer to a request its owner gave up on (deadline), or a TOO_LARGE with id 0.
                    log.debug("Dropping an answer from {} to request {} that nothing awaits", address, id);
                    return;
                }
                Response response;
                try {
                    response = ResponseCodec.decode(body, exchange.opcode());
                } catch (MalformedResponseException e) {
                    // The codec's rule: after a response that does not decode, the connection cannot be trusted.
                    if (inFlight.remove(id, exchange)) {
                        exchange.malformed(e);
                    }
                    closeCause = e;
                    ctx.close();
                    return;
                }
                // A stream's frames before its last leave the exchange in flight; whoever removes it
                // (this, a forget, or the connection's loss) owns its ending.
                boolean owned = exchange.endsWith(response) ? inFlight.remove(id, exchange) : inFlight.get(id) == exchange;
                if (owned) {
                    exchange.answered(response);
                }
            } catch (MalformedResponseException e) {
                closeCause = e;
                ctx.close();
            } finally {
                body.release();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("Closing the connection to {}: {}", address, cause.toString());
            if (closeCause == null) {
                // Under TLS 1.3 a server refuses a client certificate after the client's side of the
                // handshake ended: the refusal arrives here, before any answer, and the server read
                // nothing sent (it reads no request before it accepted the certificate). It is told
                // apart as a handshake failure; any other TLS error stays what it is.
                SSLException tlsFailure = ClientTls.tlsFailure(cause);
                closeCause = !answeredOnce && tlsFailure != null && ClientTls.isCertificateRefusal(tlsFailure)
                        ? handshakeFailure(tlsFailure) : cause;
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            lost(closeCause != null ? closeCause : new ClosedChannelException());
            ctx.fireChannelInactive();
        }
    }
}
