package io.tern.raft.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.resolver.AddressResolverGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.tern.raft.types.SnapshotChunk;
import io.tern.raft.core.Message;
import io.tern.platform.tls.ClientTls;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbound connection to one peer: connects as soon as the peer is added, says hello, reconnects with
 * {@link Backoff} for as long as the peer is wanted, and carries Raft messages (dropped when they
 * cannot go now) and snapshot chunks (held until there is room, then until their ack).
 *
 * <p>Threads: {@link #send} runs on the caller's thread and touches only the volatile channel and
 * atomics. Everything else (connecting, chunk bookkeeping, acks) is confined to one event loop, the
 * one the channel is registered on, so it needs no locks: every write completion, ack and close
 * event arrives on that same thread.
 *
 * <p>Bytes are counted from the moment a frame is handed to Netty until the socket took it, not
 * just once Netty's outbound buffer holds it: a write from a foreign thread first waits as a task
 * in the event loop's queue, where {@code Channel.isWritable()} does not see it.
 */
final class PeerConnection {

    private static final Logger log = LoggerFactory.getLogger(PeerConnection.class);

    private final long peerId;
    private final InetSocketAddress address;
    private final EventLoop eventLoop;
    private final Bootstrap bootstrap;
    private final PeerFrame.Hello hello;
    private final Backoff backoff;
    private final long maxQueuedBytes;
    private final Duration chunkAckTimeout;
    private final MessageCounters counters;
    private final Runnable onConnected;

    private final AtomicBoolean connectionWanted = new AtomicBoolean();
    private final AtomicLong queuedBytes = new AtomicLong();
    /** The connection once its hello is on its way; null while there is none. Written on the event loop only. */
    private volatile Channel ready;

    // Confined to eventLoop.
    private boolean closed;
    private Channel channel;
    private int failuresInARow;
    /** The next attempt, scheduled after a failure; done or cancelled once it ran or was brought forward. */
    private ScheduledFuture<?> reconnect;
    private long connectedAtNanos;
    private long nextRequestId = 1;
    private final ArrayDeque<PendingChunk> chunksWaitingForRoom = new ArrayDeque<>();
    private final Map<Long, PendingChunk> chunksWaitingForAck = new HashMap<>();

    PeerConnection(long peerId, InetSocketAddress address, EventLoop eventLoop, PeerTransportConfig config,
            AddressResolverGroup<InetSocketAddress> resolver, MessageCounters counters, Runnable onConnected) {
        this.peerId = peerId;
        this.address = address;
        this.eventLoop = eventLoop;
        this.hello = new PeerFrame.Hello(config.localId(), config.clusterId());
        this.backoff = config.reconnectBackoff();
        this.maxQueuedBytes = config.maxQueuedBytesPerPeer();
        this.chunkAckTimeout = config.chunkAckTimeout();
        this.counters = counters;
        this.onConnected = onConnected;
        long highWater = Math.min(Integer.MAX_VALUE, config.maxQueuedBytesPerPeer());
        this.bootstrap = new Bootstrap()
                .group(eventLoop)
                .resolver(resolver)
                .channel(config.io().socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        config.connectTimeout().toMillis()))
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark((int) highWater / 2, (int) highWater))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ClientTls tls = config.tls();
                        if (tls != null) {
                            SslHandler ssl = tls.newHandler(ch.alloc(), address.getHostString(), address.getPort());
                            ssl.handshakeFuture().addListener(handshake -> {
                                if (!handshake.isSuccess()) {
                                    handshakeFailed(handshake.cause());
                                }
                            });
                            ch.pipeline().addLast(ssl);
                        }
                        ch.pipeline().addLast(
                                // A message written on the event loop itself (the Raft loop runs there)
                                // leaves at once; only flushes during a read are consolidated.
                                new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES,
                                        false),
                                new FrameEncoder(),
                                new FrameDecoder(),
                                new AckReader());
                    }
                });
    }

    long peerId() {
        return peerId;
    }

    InetSocketAddress address() {
        return address;
    }

    MessageCounters counters() {
        return counters;
    }

    /** Whether the connection is up and has said hello. */
    boolean isConnected() {
        Channel channel = ready;
        return channel != null && channel.isActive();
    }

    /**
     * Queues {@code message} for the peer, or drops and counts it if it cannot go right now; runs
     * {@code ifNotSent} if it is dropped here or its write fails.
     */
    void send(Message message, Runnable ifNotSent) {
        requestConnection();
        PeerFrame.RaftMessage frame = new PeerFrame.RaftMessage(message);
        long bodySize = frame.bodySize();
        if (bodySize > FrameLimits.MAX_BODY_BYTES) {
            counters.dropped();
            log.warn("Dropping a {} to member {}: {} bytes is over the frame limit of {}; split the batch",
                    message.getClass().getSimpleName(), peerId, bodySize, FrameLimits.MAX_BODY_BYTES);
            ifNotSent.run();
            return;
        }
        long size = FrameLimits.LENGTH_PREFIX_BYTES + bodySize;
        Channel channel = ready;
        if (channel == null || !channel.isWritable() || !reserve(size)) {
            counters.dropped();
            ifNotSent.run();
            return;
        }
        channel.writeAndFlush(frame).addListener((ChannelFutureListener) written -> {
            if (written.isSuccess()) {
                counters.sent();
            } else {
                counters.dropped();
                ifNotSent.run();
            }
            released(size);
        });
    }

    /** Sends a chunk once there is room; the future completes with the peer's ack. */
    CompletableFuture<Void> sendChunk(long snapshotIndex, SnapshotChunk chunk) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        requestConnection();
        runOnEventLoop(() -> enqueueChunk(new PeerFrame.Chunk(nextRequestId++, snapshotIndex, chunk), acked),
                () -> acked.completeExceptionally(new PeerConnectionLostException("the transport is closed")));
        return acked;
    }

    /** Closes the connection for good and fails every chunk still in flight with {@code reason}. */
    void close(String reason) {
        runOnEventLoop(() -> {
            closed = true;
            ready = null;
            if (channel != null) {
                channel.close();
                channel = null;
            }
            List<PendingChunk> unfinished = new ArrayList<>(chunksWaitingForRoom);
            unfinished.addAll(chunksWaitingForAck.values());
            chunksWaitingForRoom.clear();
            chunksWaitingForAck.clear();
            failAll(unfinished, reason);
        }, () -> {
        });
    }

    /**
     * Starts connecting unless already wanted. The transport calls it when a peer is added: a member
     * that never had anything to say to a peer (a follower to another follower) must still be
     * connected when it first must answer one, or that answer (a vote for a new candidate) is
     * dropped and the election lost.
     */
    void requestConnection() {
        if (connectionWanted.compareAndSet(false, true)) {
            runOnEventLoop(this::connect, () -> {
            });
        }
    }

    private void connect() {
        if (closed || channel != null) {
            return;
        }
        ChannelFuture attempt = bootstrap.connect(address);
        channel = attempt.channel();
        attempt.addListener((ChannelFutureListener) this::connectAttemptEnded);
    }

    private void connectAttemptEnded(ChannelFuture attempt) {
        Channel attempted = attempt.channel();
        if (attempted != channel) {
            attempted.close(); // closed (peer removed) while connecting
            return;
        }
        if (!attempt.isSuccess()) {
            channel = null;
            log.debug("Cannot connect to member {} at {}: {}", peerId, address, attempt.cause().toString());
            scheduleReconnect();
            return;
        }
        connectedAtNanos = System.nanoTime();
        // Nothing else can be written before the hello: the channel is published only afterwards.
        attempted.writeAndFlush(hello);
        ready = attempted;
        // Registered last: if the peer hung up already, this runs at once and unpublishes the channel.
        attempted.closeFuture().addListener(closed -> connectionClosed(attempted));
        if (channel == attempted) {
            log.debug("Connected to member {} at {}", peerId, address);
            writeWaitingChunks();
            onConnected.run();
        }
    }

    /** On the event loop. Said once per run of failures: the member keeps trying with its backoff. */
    private void handshakeFailed(Throwable cause) {
        if (failuresInARow == 0 && !closed) {
            var tlsFailure = ClientTls.tlsFailure(cause);
            log.warn("Cannot connect to member {} at {}: {}", peerId, address,
                    tlsFailure == null ? cause.toString() : ClientTls.explain(tlsFailure));
        }
    }

    private void connectionClosed(Channel closedChannel) {
        if (closedChannel != channel) {
            return;
        }
        channel = null;
        ready = null;
        List<PendingChunk> unanswered = new ArrayList<>(chunksWaitingForAck.values());
        chunksWaitingForAck.clear();
        failAll(unanswered, "the connection to member " + peerId + " closed before it acknowledged the chunk");
        // A connection that lived a while was a real one: start the next round of attempts fast.
        // One that the peer closed at once (another cluster, say) keeps the backoff growing.
        if (System.nanoTime() - connectedAtNanos >= backoff.max().toNanos()) {
            failuresInARow = 0;
        }
        log.debug("Connection to member {} at {} closed", peerId, address);
        scheduleReconnect();
    }

    private void scheduleReconnect() {
        if (closed) {
            return;
        }
        Duration delay = backoff.delayAfter(failuresInARow);
        failuresInARow = Math.min(failuresInARow + 1, 62);
        reconnect = eventLoop.schedule(this::connect, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * The peer said hello on a connection of its own, so it is up: a reconnect waiting out its backoff
     * (the peer was down, or not started yet, as a member that is joining) goes at once, and the
     * backoff starts over.
     */
    void peerIsUp() {
        runOnEventLoop(() -> {
            if (closed || channel != null || reconnect == null || !reconnect.cancel(false)) {
                return;
            }
            failuresInARow = 0;
            connect();
        }, () -> {
        });
    }

    private void enqueueChunk(PeerFrame.Chunk frame, CompletableFuture<Void> acked) {
        if (closed) {
            acked.completeExceptionally(new PeerConnectionLostException("member " + peerId + " is no longer a peer"));
            return;
        }
        PendingChunk pending = new PendingChunk(frame, acked);
        pending.timeout = eventLoop.schedule(() -> timedOut(pending), chunkAckTimeout.toNanos(), TimeUnit.NANOSECONDS);
        chunksWaitingForRoom.add(pending);
        writeWaitingChunks();
    }

    private void writeWaitingChunks() {
        Channel channel = ready;
        while (channel != null && channel.isActive() && !chunksWaitingForRoom.isEmpty()) {
            PendingChunk next = chunksWaitingForRoom.peek();
            long size = FrameLimits.LENGTH_PREFIX_BYTES + next.frame.bodySize();
            if (!reserve(size)) {
                return; // the next write completion calls again
            }
            chunksWaitingForRoom.poll();
            chunksWaitingForAck.put(next.frame.requestId(), next);
            channel.writeAndFlush(next.frame).addListener((ChannelFutureListener) written -> {
                if (!written.isSuccess() && chunksWaitingForAck.remove(next.frame.requestId()) != null) {
                    next.fail(new PeerConnectionLostException("could not send the chunk to member " + peerId,
                            written.cause()));
                }
                released(size);
            });
        }
    }

    private void chunkAcknowledged(PeerFrame.ChunkAck ack) {
        PendingChunk pending = chunksWaitingForAck.remove(ack.requestId());
        if (pending == null) {
            return; // it timed out already
        }
        if (ack.accepted()) {
            pending.succeed();
        } else {
            pending.fail(new SnapshotChunkRefusedException("member " + peerId + " refused the chunk: " + ack.error()));
        }
    }

    private void timedOut(PendingChunk pending) {
        if (chunksWaitingForRoom.remove(pending) || chunksWaitingForAck.remove(pending.frame.requestId()) != null) {
            pending.fail(new TimeoutException("member " + peerId + " did not acknowledge the chunk within "
                    + chunkAckTimeout.toMillis() + " ms"));
        }
    }

    private boolean reserve(long size) {
        while (true) {
            long queued = queuedBytes.get();
            // An empty queue takes any frame, so a limit below the largest frame cannot stall a peer.
            if (queued > 0 && queued + size > maxQueuedBytes) {
                return false;
            }
            if (queuedBytes.compareAndSet(queued, queued + size)) {
                return true;
            }
        }
    }

    /** Called on the event loop whenever a write ended, so waiting chunks get the room it freed. */
    private void released(long size) {
        queuedBytes.addAndGet(-size);
        if (!chunksWaitingForRoom.isEmpty()) {
            writeWaitingChunks();
        }
    }

    private static void failAll(List<PendingChunk> chunks, String reason) {
        for (PendingChunk pending : chunks) {
            pending.fail(new PeerConnectionLostException(reason));
        }
    }

    private void runOnEventLoop(Runnable task, Runnable ifShutDown) {
        try {
            eventLoop.execute(task);
        } catch (RejectedExecutionException e) {
            ifShutDown.run();
        }
    }

    /** Reads acks; nothing else may come back on an outbound connection. */
    private final class AckReader extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf body)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            PeerFrame frame;
            try {
                frame = PeerFrame.decode(body);
            } catch (MalformedFrameException e) {
                protocolViolation(ctx, e.getMessage());
                return;
            } finally {
                body.release();
            }
            if (frame instanceof PeerFrame.ChunkAck ack) {
                if (ctx.channel() == channel) {
                    chunkAcknowledged(ack);
                }
            } else {
                protocolViolation(ctx, "unexpected opcode 0x" + Integer.toHexString(frame.opcode()));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            protocolViolation(ctx, cause.toString());
        }

        private void protocolViolation(ChannelHandlerContext ctx, String problem) {
            log.warn("Closing the connection to member {} at {}: {}", peerId, address, problem);
            ctx.close();
        }
    }

    /** A chunk on its way: its frame, its caller's future and its deadline. */
    private static final class PendingChunk {
        final PeerFrame.Chunk frame;
        final CompletableFuture<Void> acked;
        ScheduledFuture<?> timeout;

        PendingChunk(PeerFrame.Chunk frame, CompletableFuture<Void> acked) {
            this.frame = frame;
            this.acked = acked;
        }

        void succeed() {
            timeout.cancel(false);
            acked.complete(null);
        }

        void fail(Throwable cause) {
            if (timeout != null) {
                timeout.cancel(false);
            }
            acked.completeExceptionally(cause);
        }
    }
}
