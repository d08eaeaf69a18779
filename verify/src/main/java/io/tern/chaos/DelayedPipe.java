package io.tern.chaos;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.tern.chaos.FaultProxy.Direction;

import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One direction of one proxied connection: bytes read from {@code source} are written to
 * {@code target} after the direction's delay, in the order they were read.
 *
 * <p>Each chunk gets its own sampled delay, but it is never released before the chunk ahead of it
 * (its due time is at least the previous one's), so jitter stretches the stream and never reorders
 * it. A single timer on the connection's event loop releases whatever has come due. Every method
 * runs on that event loop, which is why nothing here is synchronized.
 *
 * <p>Back-pressure: the source stops being read while the target is not writable or while more than
 * {@link #HIGH_WATER_BYTES} wait in the delay queue, so a slow or delayed side cannot make the
 * proxy buffer without bound.
 */
final class DelayedPipe {

    static final int HIGH_WATER_BYTES = 1 << 20;
    static final int LOW_WATER_BYTES = 256 << 10;

    private record Chunk(ByteBuf bytes, long dueNanos) {
    }

    private final FaultProxy proxy;
    private final Direction direction;
    private final ProxyLink link;
    private final ArrayDeque<Chunk> queue = new ArrayDeque<>();
    private Channel source;
    private Channel target;
    private long queuedBytes;
    private long lastDueNanos;
    private ScheduledFuture<?> timer;
    private boolean started;
    private boolean pausedByQueue;
    private boolean pausedByTarget;
    private boolean sourceClosed;
    private boolean discarded;

    DelayedPipe(FaultProxy proxy, Direction direction, ProxyLink link) {
        this.proxy = proxy;
        this.direction = direction;
        this.link = link;
    }

    /** Both ends are connected: reading from the source may begin. */
    void start(Channel source, Channel target) {
        this.source = source;
        this.target = target;
        this.started = true;
        updateAutoRead();
    }

    void offer(ByteBuf bytes) {
        int size = bytes.readableBytes();
        DirectionFaults faults = proxy.faults(direction);
        if (discarded || faults.blackholed() || size == 0) {
            if (!discarded && size > 0) {
                link.lostBytes();
            }
            drop(bytes);
            return;
        }
        long delay = proxy.sampleDelayNanos(faults);
        if (delay == 0 && queue.isEmpty()) {
            forward(bytes);
            target.flush();
            checkTargetWritable();
            return;
        }
        long due = Math.max(System.nanoTime() + delay, lastDueNanos);
        lastDueNanos = due;
        queue.addLast(new Chunk(bytes, due));
        queuedBytes += size;
        if (queuedBytes > HIGH_WATER_BYTES && !pausedByQueue) {
            pausedByQueue = true;
            updateAutoRead();
        }
        scheduleHead();
    }

    /** The source sent EOF or was closed: deliver what is still delayed, then close the target. */
    void sourceClosed() {
        sourceClosed = true;
        closeTargetIfDrained();
    }

    /** The target went away: nothing can be delivered any more. */
    void discard() {
        discarded = true;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        Chunk chunk;
        while ((chunk = queue.pollFirst()) != null) {
            chunk.bytes().release();
        }
        queuedBytes = 0;
    }

    void targetWritabilityChanged() {
        if (pausedByTarget && target != null && target.isWritable()) {
            pausedByTarget = false;
            updateAutoRead();
        }
    }

    private void scheduleHead() {
        if (timer != null || queue.isEmpty() || discarded) {
            return;
        }
        long wait = queue.peekFirst().dueNanos() - System.nanoTime();
        timer = target.eventLoop().schedule(this::releaseDue, Math.max(0, wait), TimeUnit.NANOSECONDS);
    }

    private void releaseDue() {
        timer = null;
        if (discarded) {
            return;
        }
        long now = System.nanoTime();
        boolean wrote = false;
        Chunk head;
        while ((head = queue.peekFirst()) != null && head.dueNanos() - now <= 0) {
            queue.pollFirst();
            queuedBytes -= head.bytes().readableBytes();
            if (proxy.faults(direction).blackholed()) {
                drop(head.bytes());
                link.lostBytes(); // discards the rest of the queue
                break;
            } else {
                forward(head.bytes());
                wrote = true;
            }
        }
        if (wrote) {
            target.flush();
            checkTargetWritable();
        }
        if (pausedByQueue && queuedBytes < LOW_WATER_BYTES) {
            pausedByQueue = false;
            updateAutoRead();
        }
        scheduleHead();
        closeTargetIfDrained();
    }

    private void forward(ByteBuf bytes) {
        int size = bytes.readableBytes();
        target.write(bytes).addListener(future -> {
            if (future.isSuccess()) {
                proxy.countForwarded(direction, size);
            } else {
                link.close(false);
            }
        });
    }

    private void drop(ByteBuf bytes) {
        proxy.countDropped(direction, bytes.readableBytes());
        bytes.release();
    }

    private void checkTargetWritable() {
        if (!target.isWritable() && !pausedByTarget) {
            pausedByTarget = true;
            updateAutoRead();
        }
    }

    private void updateAutoRead() {
        if (source != null) {
            source.config().setAutoRead(started && !pausedByQueue && !pausedByTarget);
        }
    }

    private void closeTargetIfDrained() {
        if (sourceClosed && queue.isEmpty()) {
            if (target == null) {
                link.close(false);
            } else if (target.isActive()) {
                target.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
