package io.tern.client;

/**
 * A lease that was granted.
 *
 * @param id         its id (the one asked for, or the one the server picked)
 * @param ttlSeconds its TTL: the one asked for, or the cluster's minimum if that was less
 * @param revision   the revision of the grant
 */
public record LeaseGrant(long id, long ttlSeconds, long revision) {
}
