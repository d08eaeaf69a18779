package io.tern.client;

import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import io.tern.client.net.ProtocolConnection;
import io.tern.platform.HostPort;

/** What a {@link Call} needs from its client: a timer, where to send, and connections. */
interface CallContext {

    /**
     * Runs {@code task} after {@code delayNanos}.
     *
     * @throws IllegalStateException once the client is closed (its timer stopped)
     */
    Timeout schedule(TimerTask task, long delayNanos);

    /** Which endpoint calls go to, shared by all of the client's calls. */
    EndpointRouter router();

    boolean isClosed();

    /** The user the client acts as, or {@code null} for a client without credentials. */
    default ClientCredentials credentials() {
        return null;
    }

    /** A connection to {@code endpoint} in turn, or {@code null} once the client is closed. */
    ProtocolConnection connection(HostPort endpoint);
}
