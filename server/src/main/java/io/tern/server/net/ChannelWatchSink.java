package io.tern.server.net;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.tern.client.protocol.Response;
import io.tern.server.watch.WatchSink;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A client connection as its watches see it. A watch frame goes out only while the channel is
 * writable and the answers waiting for the client stay well under {@code --max-pending-output-bytes}
 * (half of it, or any frame when nothing waits), so that watches back off long before the
 * connection would be closed for not reading.
 */
final class ChannelWatchSink implements WatchSink {

    private final Channel channel;
    private final long maxPendingOutputBytes;
    private final AtomicBoolean awaitingDrain = new AtomicBoolean();
    private volatile Runnable onDrained = () -> { };

    ChannelWatchSink(Channel channel, long maxPendingOutputBytes) {
        this.channel = channel;
        this.maxPendingOutputBytes = maxPendingOutputBytes;
    }

    /** What to run once output refused for now has gone to the socket: the session's {@code writable}. */
    void onDrained(Runnable action) {
        onDrained = action;
    }

    @Override
    public boolean accepts(long frameBytes) {
        if (!channel.isActive()) {
            return false;
        }
        long pending = pendingBytes();
        if (channel.isWritable() && (pending == 0 || pending + frameBytes <= maxPendingOutputBytes / 2)) {
            return true;
        }
        awaitDrain();
        return false;
    }

    /**
     * An empty write behind what waits: its completion means the socket took everything before it,
     * which the channel's writability alone would not say while it stays under its high water mark.
     */
    private void awaitDrain() {
        if (awaitingDrain.compareAndSet(false, true)) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> {
                awaitingDrain.set(false);
                if (written.isSuccess()) {
                    onDrained.run();
                }
            });
        }
    }

    @Override
    public void write(Response frame) {
        if (channel.isActive()) {
            // From the hub's thread: Netty queues it to the channel's loop and counts it as pending at once.
            channel.writeAndFlush(ClientConnection.encode(channel.alloc(), frame), channel.voidPromise());
        }
    }

    private long pendingBytes() {
        ChannelOutboundBuffer output = channel.unsafe().outboundBuffer();
        return output == null ? 0 : output.totalPendingWriteBytes();
    }
}
