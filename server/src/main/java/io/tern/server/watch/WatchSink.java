package io.tern.server.watch;

import io.tern.client.protocol.Response;

/**
 * Where one connection's watch frames go. The hub calls it on its own thread only, so frames leave in
 * the order it wrote them.
 */
public interface WatchSink {

    /**
     * Whether a frame of {@code frameBytes} may be written now. No while the connection is backed up
     * (the client reads slower than its watches produce) or gone; the session is then told
     * {@link WatchSession#writable()} when it drains.
     */
    boolean accepts(long frameBytes);

    /** Writes {@code frame}. */
    void write(Response frame);
}
