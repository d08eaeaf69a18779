package io.tern.client.protocol;

import io.tern.kv.Bytes;
import java.util.List;
import java.util.Objects;

/** The OK answers to the lease requests of {@link LeaseRequests}. */
public final class LeaseResponses {

    private LeaseResponses() {
    }

    /** OK to LEASE_GRANT: the lease {@code id} exists from {@code revision} on with {@code ttlSeconds}. */
    public record Granted(long requestId, long revision, long id, long ttlSeconds) implements Response.LeaseOk {
        @Override
        public Granted withRequestId(long requestId) {
            return new Granted(requestId, revision, id, ttlSeconds);
        }
    }

    /** OK to LEASE_REVOKE: the lease and its keys are gone at {@code revision}. */
    public record Revoked(long requestId, long revision) implements Response.LeaseOk {
        @Override
        public Revoked withRequestId(long requestId) {
            return new Revoked(requestId, revision);
        }
    }

    /** OK to LEASE_KEEPALIVE: the lease was renewed to {@code ttlSeconds} from now. */
    public record KeptAlive(long requestId, long ttlSeconds) implements Response.LeaseOk {
        @Override
        public KeptAlive withRequestId(long requestId) {
            return new KeptAlive(requestId, ttlSeconds);
        }
    }

    /**
     * OK to LEASE_TIME_TO_LIVE.
     *
     * @param remainingSeconds whole seconds left before it expires, or -1 if there is no such lease
     * @param grantedSeconds   the TTL it was granted (0 if there is no such lease)
     * @param keys             the keys attached to it, in byte order, if asked for; else empty
     */
    public record TimeToLive(long requestId, long remainingSeconds, long grantedSeconds, List<byte[]> keys)
            implements Response.LeaseOk {
        public TimeToLive {
            keys = List.copyOf(keys);
        }

        @Override
        public TimeToLive withRequestId(long requestId) {
            return new TimeToLive(requestId, remainingSeconds, grantedSeconds, keys);
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof TimeToLive t) || requestId != t.requestId || remainingSeconds != t.remainingSeconds
                    || grantedSeconds != t.grantedSeconds || keys.size() != t.keys.size()) {
                return false;
            }
            for (int i = 0; i < keys.size(); i++) {
                if (!Bytes.equal(keys.get(i), t.keys.get(i))) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            int hash = Objects.hash(requestId, remainingSeconds, grantedSeconds);
            for (byte[] key : keys) {
                hash = 31 * hash + Bytes.hash(key);
            }
            return hash;
        }

        @Override
        public String toString() {
            return "TimeToLive[requestId=" + requestId + ", remainingSeconds=" + remainingSeconds + ", grantedSeconds="
                    + grantedSeconds + ", keys=" + keys.stream().map(Bytes::show).toList() + "]";
        }
    }

    /** OK to LEASE_LIST: every lease's id, in increasing order. */
    public record Leases(long requestId, List<Long> ids) implements Response.LeaseOk {
        public Leases {
            ids = List.copyOf(ids);
        }

        @Override
        public Leases withRequestId(long requestId) {
            return new Leases(requestId, ids);
        }
    }
}
