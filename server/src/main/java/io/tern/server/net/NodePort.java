package io.tern.server.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.tern.platform.IoTransport;
import io.tern.raft.transport.NettyPeerTransport;
import io.tern.server.metrics.RequestMetrics;
import io.tern.server.service.RequestDispatcher;
import io.tern.server.tls.ServerTls;
import io.tern.server.watch.WatchHub;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The node's one TCP port, shared by clients and members. Every connection gets the same front:
 * the stall guard, the frame decoder (which refuses an oversized length prefix before allocating),
 * and the {@link ConnectionRouter}, which hands it to the peer transport or to a
 * {@link ClientConnection}. With TLS, the {@link TlsFront} comes first: the handshake (or the refusal of
 * plaintext), so everything after it reads and writes plaintext frames as without TLS.
 */
public final class NodePort implements AutoCloseable {

    /** Answers beyond this wait in the kernel rather than in our memory: the connection stops reading. */
    private static final WriteBufferWaterMark OUTPUT_WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

    private final EventLoopGroup bossGroup;
    private final Channel serverChannel;
    private final ChannelGroup connections;
    private final InFlightRequests inFlight;
    private final ConnectionGate gate;

    private NodePort(EventLoopGroup bossGroup, Channel serverChannel, ChannelGroup connections,
                     InFlightRequests inFlight, ConnectionGate gate) {
        this.bossGroup = bossGroup;
        this.serverChannel = serverChannel;
        this.connections = connections;
        this.inFlight = inFlight;
        this.gate = gate;
    }

    /**
     * Binds {@code address}.
     *
     * @throws io.netty.channel.ChannelException or an {@link java.io.IOException} subtype when the
     *         address cannot be bound (in use, not local)
     */
    public static NodePort bind(InetSocketAddress address, IoTransport io, EventLoopGroup workers,
                                NettyPeerTransport peers, RequestDispatcher dispatcher, int maxConnections,
                                Duration stallTimeout, long maxPendingOutputBytes, WatchHub watchHub,
                                RequestMetrics requestMetrics, ServerTls tls)
            throws InterruptedException {
        EventLoopGroup boss = io.newEventLoopGroup(1, "tern-accept");
        ConnectionGate gate = new ConnectionGate(maxConnections);
        ChannelGroup connections = new DefaultChannelGroup("tern-connections", GlobalEventExecutor.INSTANCE);
        InFlightRequests inFlight = new InFlightRequests();
        ServerBootstrap bootstrap = new ServerBootstrap().group(boss, workers).channel(io.serverSocketChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, OUTPUT_WATER_MARK)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        connections.add(channel);
                        StallGuard stallGuard = new StallGuard(stallTimeout);
                        channel.pipeline().addLast(gate);
                        if (tls.clientTls() || tls.peerTls()) {
                            channel.pipeline().addLast(new TlsFront(tls));
                        }
                        channel.pipeline().addLast(new FlushConsolidationHandler(256, true), stallGuard,
                                new SharedPortFrameDecoder(), stallGuard.frameCounter(),
                                new ConnectionRouter(peers::newPeerChannelHandler,
                                        () -> new ClientConnection(dispatcher, inFlight, maxPendingOutputBytes, watchHub,
                                                requestMetrics),
                                        maxConnections, ctx -> TlsFront.mayBeMember(tls, ctx)));
                    }
                });
        try {
            Channel channel = bootstrap.bind(address).sync().channel();
            return new NodePort(boss, channel, connections, inFlight, gate);
        } catch (RuntimeException | InterruptedException e) {
            boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    public int openConnections() {
        return gate.openConnections();
    }

    /** Stops accepting; open connections keep being served. */
    public void stopAccepting() {
        serverChannel.close().syncUninterruptibly();
    }

    /** Waits up to {@code millis} for the requests in flight to be answered; true if all were. */
    public boolean awaitRequests(long millis) throws InterruptedException {
        return inFlight.awaitNone(millis);
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
