package io.tern.verify.lease;

import java.util.ArrayList;
import java.util.List;

/**
 * Judges leases by what reads saw of their keys. Two promises: a lease never expires earlier than its
 * TTL after an acknowledged grant or keep-alive was sent (so a read that completed before then and
 * before any revoke must find the key), and a lease nobody renews is gone within its TTL plus an
 * election timeout of the last moment a renewal could have arrived (so a read that began after that
 * must not find the key). Reads are linearizable: one that completed saw the state at some instant
 * before it completed, one that began saw it at some instant after it began.
 */
public final class LeaseChecker {

    private final long expiryAllowanceNanos;

    /**
     * @param expiryAllowanceNanos how much later than its TTL a lease may end: one election timeout
     *     (a new leader renews every lease) plus the leader's expiry check interval
     */
    public LeaseChecker(long expiryAllowanceNanos) {
        this.expiryAllowanceNanos = expiryAllowanceNanos;
    }

    /** One line per anomaly found; empty when every lease kept its promises. */
    public List<String> check(List<LeaseHistory> leases) {
        List<String> anomalies = new ArrayList<>();
        for (LeaseHistory lease : leases) {
            for (LeaseHistory.KeyRead read : lease.reads()) {
                if (!read.present() && expiredEarly(lease, read)) {
                    anomalies.add(lease.name() + ": " + read.key() + " was gone in a read that completed "
                            + millis(aliveUntil(lease, read.completeNanos()) - read.completeNanos())
                            + " ms before the lease could expire");
                }
                if (read.present() && read.invokeNanos() > lease.latestPossibleRenewal() + lease.ttlNanos()
                        + expiryAllowanceNanos) {
                    anomalies.add(lease.name() + ": " + read.key() + " was still there in a read that began "
                            + millis(read.invokeNanos() - lease.latestPossibleRenewal() - lease.ttlNanos())
                            + " ms after the lease's TTL ran out (allowed: " + millis(expiryAllowanceNanos) + " ms)");
                }
            }
        }
        return anomalies;
    }

    private static boolean expiredEarly(LeaseHistory lease, LeaseHistory.KeyRead read) {
        return read.completeNanos() < lease.revokeSent() && read.completeNanos() < aliveUntil(lease, read.completeNanos());
    }

    /** The latest moment the lease was promised to live to, by renewals sent before {@code nanos}. */
    private static long aliveUntil(LeaseHistory lease, long nanos) {
        long until = Long.MIN_VALUE;
        for (long sent : lease.renewalsSent()) {
            if (sent <= nanos) {
                until = Math.max(until, sent + lease.ttlNanos());
            }
        }
        return until;
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }
}
