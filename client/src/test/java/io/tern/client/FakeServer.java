package io.tern.client;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.MessageToByteEncoder;
import io.tern.client.protocol.ClientFrameDecoder;
import io.tern.client.protocol.FrameWriter;
import io.tern.client.protocol.Opcode;
import io.tern.client.protocol.ProtocolException;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.RequestCodec;
import io.tern.client.protocol.Response;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A node that speaks the wire protocol and does what each test tells it: by default it serves an
 * in-memory {@link FakeStore}; a {@link Handler} may answer differently, later, out of order, never,
 * or close the connection instead.
 */
final class FakeServer implements AutoCloseable {

    /** Decides what happens to each request; runs on the server's event loop. */
    @FunctionalInterface
    interface Handler {
        void handle(Exchange exchange);
    }

    /** One request and the connection it came on; reply now, later, never, or close instead. */
    static final class Exchange {
        private final Channel channel;
        private final Request request;
        private final FakeServer server;

        Exchange(Channel channel, Request request, FakeServer server) {
            this.channel = channel;
            this.request = request;
            this.server = server;
        }

        Request request() {
            return request;
        }

        long id() {
            return request.requestId();
        }

        Opcode opcode() {
            return request.opcode();
        }

        ChannelFuture reply(Response response) {
            return channel.writeAndFlush(response);
        }

        /** The answer the store gives. */
        ChannelFuture replyFromStore() {
            return reply(server.store.answer(request));
        }

        ChannelFuture closeConnection() {
            return channel.close();
        }
    }

    final FakeStore store;
    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final Set<Channel> children = ConcurrentHashMap.newKeySet();
    private final LinkedBlockingQueue<Request> arrivals = new LinkedBlockingQueue<>();
    private final ConcurrentLinkedQueue<Request> received = new ConcurrentLinkedQueue<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile Handler handler = Exchange::replyFromStore;

    private FakeServer() {
        store = new FakeStore();
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("fake-server", true),
                NioIoHandler.newFactory());
        serverChannel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        accepted.incrementAndGet();
                        children.add(channel);
                        channel.closeFuture().addListener(closed -> children.remove(channel));
                        channel.pipeline().addLast(new ClientFrameDecoder(), new ResponseEncoder(), new RequestReader());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .syncUninterruptibly()
                .channel();
        store.leaderAddress(endpoint());
    }

    static FakeServer start() {
        return new FakeServer();
    }

    /** An address where nothing listens: connecting to it is refused. */
    static String refusingEndpoint() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String endpoint() {
        return "127.0.0.1:" + ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    FakeServer handler(Handler handler) {
        this.handler = handler;
        return this;
    }

    /** Every request received so far, in arrival order. */
    List<Request> received() {
        return List.copyOf(received);
    }

    long count(Opcode opcode) {
        return received.stream().filter(r -> r.opcode() == opcode).count();
    }

    /** The next request not yet taken by this method; fails after 10 s. */
    Request nextRequest() throws InterruptedException {
        Request request = arrivals.poll(10, TimeUnit.SECONDS);
        assertNotNull(request, "no request reached " + endpoint() + " within 10 s");
        return request;
    }

    int connectionsAccepted() {
        return accepted.get();
    }

    int openConnections() {
        return children.size();
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        children.forEach(Channel::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class RequestReader extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf body = (ByteBuf) msg;
            Request request;
            try {
                request = RequestCodec.decode(body);
            } catch (ProtocolException e) {
                ctx.writeAndFlush(new Response.BadRequest(e.requestIdOrZero(), e.getMessage()));
                return;
            } finally {
                body.release();
            }
            received.add(request);
            arrivals.add(request);
            handler.handle(new Exchange(ctx.channel(), request, FakeServer.this));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static final class ResponseEncoder extends MessageToByteEncoder<Response> {
        ResponseEncoder() {
            super(Response.class);
        }

        @Override
        protected void encode(ChannelHandlerContext ctx, Response response, ByteBuf out) {
            FrameWriter.writeResponse(response, out);
        }
    }
}
