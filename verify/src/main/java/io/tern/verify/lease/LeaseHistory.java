package io.tern.verify.lease;

import java.util.List;
import java.util.Objects;

/**
 * What a client did with one lease and what it saw of the keys attached to it, in client nanoseconds.
 *
 * @param name how reports name it ("lease 7f3a")
 * @param ttlNanos the lease's granted time to live
 * @param renewalsSent when each grant or keep-alive that the cluster acknowledged was sent: from each,
 *     the lease must live at least a TTL
 * @param latestPossibleRenewal the latest moment any grant or keep-alive could have reached the leader,
 *     acknowledged or not (for an unanswered one: when the client gave up on it)
 * @param revokeSent when the client asked for a revoke, or {@link Long#MAX_VALUE} if it never did;
 *     before it, the keys must stay while the lease is kept alive
 * @param reads the reads of the attached keys, each made after the key was written with the lease
 */
public record LeaseHistory(String name, long ttlNanos, List<Long> renewalsSent, long latestPossibleRenewal,
                           long revokeSent, List<KeyRead> reads) {

    /** A linearizable read of an attached key: whether it found the key. */
    public record KeyRead(String key, long invokeNanos, long completeNanos, boolean present) {
    }

    public LeaseHistory {
        Objects.requireNonNull(name, "name");
        renewalsSent = List.copyOf(renewalsSent);
        reads = List.copyOf(reads);
    }
}
