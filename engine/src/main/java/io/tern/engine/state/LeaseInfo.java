package io.tern.engine.state;

import java.util.List;

/**
 * A lease as the replicated state holds it. How long it has left is not here: only the leader keeps
 * time, in memory.
 *
 * @param keys the keys attached to it, in byte order (empty when not asked for)
 */
public record LeaseInfo(long id, long ttlSeconds, List<byte[]> keys) {

    public LeaseInfo {
        keys = List.copyOf(keys);
    }
}
