package io.tern.server;

import java.net.InetSocketAddress;

/** One Tern node: engine, Raft and the Netty port for clients and peers. SKELETON, being built. */
public final class TernServer implements AutoCloseable {

    private TernServer() {
    }

    /**
     * Opens the data directory, starts Raft and binds the port.
     *
     * @throws ServerStartException with a one-line message when the node cannot start
     */
    public static TernServer start(ServerConfig config) {
        throw new UnsupportedOperationException("not built yet");
    }

    /** The address the port is bound to (useful when the config asked for port 0). */
    public InetSocketAddress boundAddress() {
        throw new UnsupportedOperationException();
    }

    /** Blocks until {@link #close()} has finished (from another thread or a shutdown hook). */
    public void awaitTermination() throws InterruptedException {
        throw new UnsupportedOperationException();
    }

    /** Graceful stop: refuse new connections, answer or fail in-flight requests, close the engine. */
    @Override
    public void close() {
    }
}
