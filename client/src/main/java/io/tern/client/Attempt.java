package io.tern.client;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;

/**
 * One try of a {@link Call} on one {@link Connection}. It is also the listener of its own write,
 * which tells whether the request left the client: a request whose write failed certainly did not
 * reach the node, so any call may send it again.
 */
final class Attempt implements ChannelFutureListener {

    private final Call<?> call;
    private final Connection connection;
    private volatile long id;
    // Set and read on the connection's event loop only.
    private boolean written;

    Attempt(Call<?> call, Connection connection) {
        this.call = call;
        this.connection = connection;
    }

    Call<?> call() {
        return call;
    }

    Connection connection() {
        return connection;
    }

    long id() {
        return id;
    }

    void id(long id) {
        this.id = id;
    }

    /** Whether the whole request went to the socket. */
    boolean written() {
        return written;
    }

    @Override
    public void operationComplete(ChannelFuture write) {
        if (write.isSuccess()) {
            written = true;
        } else {
            connection.writeFailed(this, write.cause());
        }
    }
}
