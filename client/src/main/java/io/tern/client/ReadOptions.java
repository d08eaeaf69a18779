package io.tern.client;

import io.tern.client.protocol.ReadMode;

/**
 * How a GET or SCAN is served.
 *
 * @param mode               LINEARIZABLE (through the leader) or LOCAL (any node's own state)
 * @param minRevision        for LOCAL: the node waits until it has applied at least this revision
 * @param readYourWrites     for LOCAL: use the highest revision this client has seen instead of
 *                           {@code minRevision}, so the read sees the client's own writes
 */
public record ReadOptions(ReadMode mode, long minRevision, boolean readYourWrites) {

    private static final ReadOptions LINEARIZABLE = new ReadOptions(ReadMode.LINEARIZABLE, 0, false);

    /** Checks that {@code mode} is given and {@code minRevision} is not negative. */
    public ReadOptions {
        if (mode == null) {
            throw new IllegalArgumentException("mode must not be null");
        }
        if (minRevision < 0) {
            throw new IllegalArgumentException("minRevision must not be negative: " + minRevision);
        }
    }

    /** The default: the read reflects every write acknowledged before it was sent. */
    public static ReadOptions linearizable() {
        return LINEARIZABLE;
    }

    /** Any node answers from its own state, however far behind it is. */
    public static ReadOptions local() {
        return new ReadOptions(ReadMode.LOCAL, 0, false);
    }

    /** Any node answers once it has applied {@code minRevision}. */
    public static ReadOptions localAtLeast(long minRevision) {
        return new ReadOptions(ReadMode.LOCAL, minRevision, false);
    }

    /** Any node answers once it has applied every revision this client has seen. */
    public static ReadOptions localReadYourWrites() {
        return new ReadOptions(ReadMode.LOCAL, 0, true);
    }
}
