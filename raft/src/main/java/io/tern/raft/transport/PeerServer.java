package io.tern.raft.transport;

import io.tern.platform.IoTransport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Accepts connections from peers on an address of its own: each connection's pipeline is a
 * {@link FrameDecoder} and a {@link PeerChannelHandler}. For tests and in-JVM clusters; a real node
 * serves peers on its client port, where the server routes peer frames to a
 * {@link PeerChannelHandler} itself.
 */
public final class PeerServer implements AutoCloseable {

    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

    private final Channel serverChannel;
    private final ChannelGroup connections;

    private PeerServer(Channel serverChannel, ChannelGroup connections) {
        this.serverChannel = serverChannel;
        this.connections = connections;
    }

    /**
     * Binds {@code address} (port 0 picks a free port; see {@link #localAddress()}) and serves peers
     * of cluster {@code clusterId} on {@code group}'s threads, which the caller owns, keeping each
     * caller's peer protocol version in {@code versions} while its connection is open.
     *
     * @throws UncheckedIOException if the address cannot be bound
     */
    public static PeerServer bind(InetSocketAddress address, EventLoopGroup group, IoTransport io, String clusterId,
            PeerTransport.InboundHandler inbound, PeerVersions versions) {
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(inbound, "inbound");
        ChannelGroup connections = new DefaultChannelGroup("tern-peer-inbound", GlobalEventExecutor.INSTANCE);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(io.serverSocketChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        connections.add(channel);
                        channel.pipeline().addLast(new FrameDecoder(), new PeerChannelHandler(clusterId, inbound, versions));
                    }
                });
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            Throwable cause = bound.cause();
            String problem = "cannot listen for peers on " + address + ": " + cause.getMessage();
            throw cause instanceof IOException io1 ? new UncheckedIOException(problem, io1)
                    : new IllegalStateException(problem, cause);
        }
        return new PeerServer(bound.channel(), connections);
    }

    /** The bound address, with the actual port when port 0 was asked for. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** How many peer connections are open right now. */
    public int connectionCount() {
        return connections.size();
    }

    /** Stops accepting and closes every peer connection, waiting a bounded time. */
    @Override
    public void close() {
        serverChannel.close().awaitUninterruptibly(CLOSE_WAIT.toMillis());
        connections.close().awaitUninterruptibly(CLOSE_WAIT.toMillis());
    }
}
