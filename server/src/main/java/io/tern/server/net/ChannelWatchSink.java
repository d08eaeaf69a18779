package io.tern.server.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.tern.client.protocol.Response;
import io.tern.server.watch.WatchSink;

/**
 * A client connection as its watches see it. A watch frame goes out only while the channel is
 * writable and the answers waiting for the client stay well under {@code --max-pending-output-bytes}
 * (half of it, or any frame when nothing waits), so that watches back off long before the
 * connection would be closed for not reading.
 */
final class ChannelWatchSink implements WatchSink {

    private final Channel channel;
    private final long maxPendingOutputBytes;

    ChannelWatchSink(Channel channel, long maxPendingOutputBytes) {
        this.channel = channel;
        this.maxPendingOutputBytes = maxPendingOutputBytes;
    }

    @Override
    public boolean accepts(long frameBytes) {
        if (!channel.isActive() || !channel.isWritable()) {
            return false;
        }
        long pending = pendingBytes();
        return pending == 0 || pending + frameBytes <= maxPendingOutputBytes / 2;
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
