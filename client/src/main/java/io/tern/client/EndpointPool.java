package io.tern.client;

import io.tern.platform.HostPort;
import io.netty.bootstrap.Bootstrap;
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
    private final AtomicReferenceArray<Connection> slots;
    private final AtomicInteger next = new AtomicInteger();

    EndpointPool(HostPort endpoint, Bootstrap bootstrap, int connections) {
        this.endpoint = endpoint;
        this.bootstrap = bootstrap;
        this.slots = new AtomicReferenceArray<>(connections);
    }

    /** A live or connecting connection, the next one in turn. */
    Connection acquire() {
        int slot = Math.floorMod(next.getAndIncrement(), slots.length());
        Connection connection = slots.get(slot);
        if (connection != null && !connection.isDead()) {
            return connection;
        }
        return replace(slot);
    }

    // Rare (first use, after a failure), so a lock is fine; it makes sure that a connection is
    // started before any other thread can take it from its slot.
    private synchronized Connection replace(int slot) {
        Connection connection = slots.get(slot);
        if (connection != null && !connection.isDead()) {
            return connection;
        }
        Connection fresh = new Connection(endpoint, bootstrap);
        fresh.start();
        slots.set(slot, fresh);
        return fresh;
    }

    int inFlight() {
        int total = 0;
        for (int i = 0; i < slots.length(); i++) {
            Connection connection = slots.get(i);
            if (connection != null) {
                total += connection.inFlight();
            }
        }
        return total;
    }

    void close() {
        for (int i = 0; i < slots.length(); i++) {
            Connection connection = slots.get(i);
            if (connection != null) {
                connection.close();
            }
        }
    }
}
