package io.tern.server.lease;

import java.time.Duration;

/** The bounds of a lease's TTL, as etcd sets them. */
public final class LeaseTtl {

    /** The largest TTL a grant may ask for (etcd's MaxLeaseTTL); more is refused. */
    public static final long MAX_SECONDS = 9_000_000_000L;

    /** etcd's words for a TTL over {@link #MAX_SECONDS}. */
    public static final String TOO_LARGE = "etcdserver: too large lease TTL";

    private LeaseTtl() {
    }

    /**
     * The least TTL a lease gets, 1.5 election timeouts rounded up to whole seconds (2 s with the
     * default 1 s timeout): a lease must outlive the election that replaces a failed leader, since the
     * new leader starts every lease's clock afresh only once it leads.
     */
    public static long minimumSeconds(Duration electionTimeout) {
        long millis = electionTimeout.toMillis() * 3 / 2;
        return Math.max(1, (millis + 999) / 1000);
    }
}
