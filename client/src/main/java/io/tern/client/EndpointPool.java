package io.tern.client;

import io.netty.bootstrap.Bootstrap;
import io.tern.client.net.ProtocolConnection;
import io.tern.client.net.SendLimits;
import io.tern.platform.HostPort;
import io.tern.platform.tls.ClientTls;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A few connections to one endpoint, used round-robin. A connection is made on first use and made
 * again on the first use after it failed or closed; a node that is down therefore costs one
 * connect attempt per request that tries it, and no background reconnect loop.
 */
final class EndpointPool {

    private final HostPort endpoint;
    private final Bootstrap bootstrap;
    private final ClientTls tls;
    private final AtomicReferenceArray<ProtocolConnection> slots;
    private final AtomicInteger next = new AtomicInteger();

    /** @param tls how to dial a TLS port, or null for plaintext */
    EndpointPool(HostPort endpoint, Bootstrap bootstrap, int connections, ClientTls tls) {
        this.endpoint = endpoint;
        this.bootstrap = bootstrap;
        this.tls = tls;
        this.slots = new AtomicReferenceArray<>(connections);
    }

    /** A live or connecting connection, the next one in turn. */
    ProtocolConnection acquire() {
        int slot = Math.floorMod(next.getAndIncrement(), slots.length());
        ProtocolConnection connection = slots.get(slot);
        if (connection != null && !connection.isDead()) {
            return connection;
        }
        return replace(slot);
    }

    // Rare (first use, after a failure), so a lock is fine; it makes sure that a connection is
    // started before any other thread can take it from its slot.
    private synchronized ProtocolConnection replace(int slot) {
        ProtocolConnection connection = slots.get(slot);
        if (connection != null && !connection.isDead()) {
            return connection;
        }
        ProtocolConnection fresh = new ProtocolConnection(endpoint, bootstrap, SendLimits.NONE, tls);
        fresh.start();
        slots.set(slot, fresh);
        return fresh;
    }

    int inFlight() {
        int total = 0;
        for (int i = 0; i < slots.length(); i++) {
            ProtocolConnection connection = slots.get(i);
            if (connection != null) {
                total += connection.inFlight();
            }
        }
        return total;
    }

    void close() {
        for (int i = 0; i < slots.length(); i++) {
            ProtocolConnection connection = slots.get(i);
            if (connection != null) {
                connection.close();
            }
        }
    }
}
