package io.tern.platform;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * Which Netty I/O implementation carries peer traffic: native epoll where it loads (Linux x86-64),
 * the JDK's NIO elsewhere. The event loop group and the channel classes must come from the same
 * one, which is why they are chosen together here.
 */
public enum IoTransport {
    EPOLL {
        @Override
        IoHandlerFactory ioHandlerFactory() {
            return EpollIoHandler.newFactory();
        }

        @Override
        public Class<? extends SocketChannel> socketChannel() {
            return EpollSocketChannel.class;
        }

        @Override
        public Class<? extends ServerChannel> serverSocketChannel() {
            return EpollServerSocketChannel.class;
        }

        @Override
        public boolean isAvailable() {
            return Epoll.isAvailable();
        }
    },
    NIO {
        @Override
        IoHandlerFactory ioHandlerFactory() {
            return NioIoHandler.newFactory();
        }

        @Override
        public Class<? extends SocketChannel> socketChannel() {
            return NioSocketChannel.class;
        }

        @Override
        public Class<? extends ServerChannel> serverSocketChannel() {
            return NioServerSocketChannel.class;
        }

        @Override
        public boolean isAvailable() {
            return true;
        }
    };

    /** Epoll when its native library loads here, NIO otherwise. */
    public static IoTransport best() {
        return EPOLL.isAvailable() ? EPOLL : NIO;
    }

    abstract IoHandlerFactory ioHandlerFactory();

    public abstract Class<? extends SocketChannel> socketChannel();

    public abstract Class<? extends ServerChannel> serverSocketChannel();

    public abstract boolean isAvailable();

    /**
     * A group of {@code threads} event loops whose daemon threads are named {@code <threadNamePrefix>-<pool>-<n>},
     * so that thread dumps show whose they are and a forgotten close cannot keep the JVM alive.
     */
    public EventLoopGroup newEventLoopGroup(int threads, String threadNamePrefix) {
        if (!isAvailable()) {
            throw new IllegalStateException(this + " is not available here", Epoll.unavailabilityCause());
        }
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(threadNamePrefix, true),
                ioHandlerFactory());
    }
}
