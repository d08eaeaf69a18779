package io.tern.client.protocol;

/**
 * The lease requests (etcd's leases), one record per opcode 0x30 to 0x34. Lease ids are etcd's:
 * positive 64-bit numbers, 0 meaning "none" (a grant with id 0 lets the server pick one).
 */
public final class LeaseRequests {

    private LeaseRequests() {
    }

    /**
     * Creates a lease of {@code ttlSeconds}; a TTL under the cluster's minimum is raised to it.
     *
     * @param id the lease's id, or 0 for one the server picks
     */
    public record Grant(long requestId, long id, long ttlSeconds) implements Request.Lease {
        @Override
        public Opcode opcode() {
            return Opcode.LEASE_GRANT;
        }

        @Override
        public Grant withRequestId(long requestId) {
            return new Grant(requestId, id, ttlSeconds);
        }
    }

    /** Ends lease {@code id}, deleting every key attached to it at one revision. */
    public record Revoke(long requestId, long id) implements Request.Lease {
        @Override
        public Opcode opcode() {
            return Opcode.LEASE_REVOKE;
        }

        @Override
        public Revoke withRequestId(long requestId) {
            return new Revoke(requestId, id);
        }
    }

    /** Renews lease {@code id} to its full TTL. */
    public record KeepAlive(long requestId, long id) implements Request.Lease {
        @Override
        public Opcode opcode() {
            return Opcode.LEASE_KEEPALIVE;
        }

        @Override
        public KeepAlive withRequestId(long requestId) {
            return new KeepAlive(requestId, id);
        }
    }

    /** How long lease {@code id} has left, its granted TTL and, if {@code keys}, the keys attached to it. */
    public record TimeToLive(long requestId, long id, boolean keys) implements Request.Lease {
        @Override
        public Opcode opcode() {
            return Opcode.LEASE_TIME_TO_LIVE;
        }

        @Override
        public TimeToLive withRequestId(long requestId) {
            return new TimeToLive(requestId, id, keys);
        }
    }

    /** The ids of every lease. */
    public record ListLeases(long requestId) implements Request.Lease {
        @Override
        public Opcode opcode() {
            return Opcode.LEASE_LIST;
        }

        @Override
        public ListLeases withRequestId(long requestId) {
            return new ListLeases(requestId);
        }
    }
}
