package io.tern.client;

import java.util.List;

/**
 * What the leader knows of a lease now.
 *
 * @param remainingSeconds whole seconds before it expires unless kept alive; -1 if there is no such lease
 * @param grantedSeconds   the TTL it was granted with; 0 if there is no such lease
 * @param keys             the keys attached to it, in byte order, if they were asked for; else empty
 */
public record LeaseTimeToLive(long id, long remainingSeconds, long grantedSeconds, List<byte[]> keys) {

    public LeaseTimeToLive {
        keys = List.copyOf(keys);
    }

    /** Whether the lease exists (it was granted and has not been revoked or expired). */
    public boolean exists() {
        return remainingSeconds >= 0;
    }
}
