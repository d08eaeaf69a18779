package io.tern.client.concurrency;

import io.tern.client.TernException;
import io.tern.kv.VersionedKeyValue;

/**
 * Hears an election's leaders ({@link Election#observe}), in revision order, on the client's threads:
 * keep each call short and never block in one.
 */
public interface LeaderListener {

    /**
     * {@code leader} leads the election (its key has the lowest create revision under the prefix), or
     * the leader proclaimed a new value: each leader and each of its values once, in order.
     */
    void onLeader(VersionedKeyValue leader);

    /** Nobody leads since {@code revision} (the last candidate resigned or its session ended). */
    default void onNoLeader(long revision) {
    }

    /**
     * The observation ended: {@code error} is {@code null} when it was closed, else why it could not go
     * on. Nothing is heard after this.
     */
    default void onClosed(TernException error) {
    }
}
