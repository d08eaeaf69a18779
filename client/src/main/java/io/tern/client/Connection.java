package io.tern.client;

import io.tern.platform.HostPort;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.tern.client.protocol.ClientFrameDecoder;
import io.tern.client.protocol.ClientFrameEncoder;
import io.tern.client.protocol.MalformedResponseException;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.client.protocol.ResponseCodec;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP connection to one node, with any number of requests in flight on it (pipelining). Each
 * request gets an id unique on this connection; answers complete their {@link Attempt} by id, in
 * whatever order they come.
 *
 * <p>Every attempt handed to {@link #send} ends exactly once: answered, or failed by whichever of
 * its write failing, the channel closing, or its call {@link #forget forgetting} it removes it from
 * the in-flight map first.
 */
final class Connection {

    private static final Logger log = LoggerFactory.getLogger(Connection.class);

    private final HostPort endpoint;
    private final Bootstrap bootstrap;
    private final ConcurrentHashMap<Long, Attempt> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    private volatile ChannelFuture connecting;
    private volatile Throwable startFailure;
    private volatile boolean dead;

    Connection(HostPort endpoint, Bootstrap bootstrap) {
        this.endpoint = endpoint;
        this.bootstrap = bootstrap;
    }

    HostPort endpoint() {
        return endpoint;
    }

    /** Starts connecting; requests sent meanwhile wait for the outcome. Call once, before {@link #send}. */
    void start() {
        ChannelFuture attempt;
        try {
            attempt = bootstrap.clone().handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel channel) {
                    channel.pipeline().addLast(
                            // One flush per event-loop turn for all the requests written in it.
                            new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES,
                                    true),
                            new ClientFrameEncoder(),
                            new ClientFrameDecoder(),
                            new ResponseHandler());
                }
            }).connect(endpoint.unresolved());
        } catch (RuntimeException e) { // the client is closing and its event loops are gone
            startFailure = e;
            dead = true;
            return;
        }
        connecting = attempt;
        attempt.addListener((ChannelFutureListener) done -> {
            if (!done.isSuccess()) {
                dead = true;
                log.debug("Cannot connect to {}: {}", endpoint, done.cause().toString());
            }
        });
    }

    /** Whether this connection failed or closed; the pool then replaces it. */
    boolean isDead() {
        return dead;
    }

    /** Sends {@code attempt} once connected, or fails it as not sent. */
    void send(Attempt attempt) {
        ChannelFuture connected = connecting;
        if (connected == null) {
            attempt.call().notSent(attempt, startFailure);
        } else if (connected.isDone()) {
            sendConnected(connected, attempt);
        } else {
            connected.addListener((ChannelFutureListener) done -> sendConnected(done, attempt));
        }
    }

    /** How many requests await an answer here. */
    int inFlight() {
        return inFlight.size();
    }

    /**
     * Drops {@code attempt} from the in-flight map; an answer that comes later is ignored.
     *
     * @return whether it was still there (and so the caller now owns its ending)
     */
    boolean forget(Attempt attempt) {
        return inFlight.remove(attempt.id(), attempt);
    }

    /** Closes the channel; everything in flight fails as "connection lost". */
    void close() {
        dead = true;
        ChannelFuture connected = connecting;
        if (connected != null) {
            connected.channel().close();
        }
    }

    private void sendConnected(ChannelFuture connected, Attempt attempt) {
        if (!connected.isSuccess()) {
            attempt.call().notSent(attempt, connected.cause());
            return;
        }
        Call<?> call = attempt.call();
        long id = ids.incrementAndGet();
        attempt.id(id);
        if (!call.beginSend()) {
            return; // the call ended (deadline, close) while it waited for the connection
        }
        Request request = call.request(id);
        inFlight.put(id, attempt);
        if (call.ended()) {
            // The deadline ran between beginSend and put and could not see the entry: drop it here.
            inFlight.remove(id, attempt);
            return;
        }
        connected.channel().writeAndFlush(request).addListener(attempt);
    }

    /** The write of {@code attempt} failed, so it never reached the node. */
    void writeFailed(Attempt attempt, Throwable cause) {
        if (inFlight.remove(attempt.id(), attempt)) {
            attempt.call().notSent(attempt, cause);
        }
    }

    private void lost(Throwable cause) {
        dead = true;
        // Writes still queued failed before channelInactive fired, and their listeners removed them, so
        // every remaining entry's written flag is final.
        for (Attempt attempt : inFlight.values()) {
            if (inFlight.remove(attempt.id(), attempt)) {
                attempt.call().lost(attempt, attempt.written(), cause);
            }
        }
    }

    /** Matches each answer with its request and hands it to the request's call. */
    private final class ResponseHandler extends ChannelInboundHandlerAdapter {

        private Throwable closeCause;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf body = (ByteBuf) msg;
            try {
                long id = ResponseCodec.peekRequestId(body);
                Attempt attempt = inFlight.remove(id);
                if (attempt == null) {
                    // An answer to a request its call gave up on (deadline), or a TOO_LARGE with id 0.
                    log.debug("Dropping an answer from {} to request {} that no call awaits", endpoint, id);
                    return;
                }
                Response response;
                try {
                    response = ResponseCodec.decode(body, attempt.call().opcode());
                } catch (MalformedResponseException e) {
                    // The codec's rule: after a response that does not decode, the connection cannot be trusted.
                    attempt.call().malformed(attempt, e);
                    closeCause = e;
                    ctx.close();
                    return;
                }
                attempt.call().answered(attempt, response);
            } catch (MalformedResponseException e) {
                closeCause = e;
                ctx.close();
            } finally {
                body.release();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("Closing the connection to {}: {}", endpoint, cause.toString());
            if (closeCause == null) {
                closeCause = cause;
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
