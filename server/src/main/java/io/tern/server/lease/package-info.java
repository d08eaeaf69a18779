/**
 * Leases' time. The replicated state holds each lease's id, granted TTL and keys (the engine);
 * how long a lease has left is known only to the leader, in memory, by its monotonic clock
 * ({@link io.tern.server.lease.LeaseKeeper}), which proposes the revoke of a lease that expired.
 */
package io.tern.server.lease;
