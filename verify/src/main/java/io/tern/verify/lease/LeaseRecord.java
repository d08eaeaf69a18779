package io.tern.verify.lease;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one holder of {@link LeaseWorkload} did with one lease and saw of its key, as it happens; it
 * becomes a {@link LeaseHistory} once the leader changes of the run are known. Written by its holder
 * only, read once the holder is done (or by a test).
 */
public final class LeaseRecord {

    final long id;
    final long ttlNanos;
    final String key;
    final long grantSent;
    private final List<Long> renewalsSent = new ArrayList<>();
    private final List<LeaseHistory.KeyRead> reads = new ArrayList<>();
    private long latestPossibleRenewal;
    volatile long revokeSent = Long.MAX_VALUE;

    /**
     * @param grantSent     when the grant was sent: the first renewal
     * @param grantAnswered when its answer came: the leader started the lease's clock before then
     */
    public LeaseRecord(long id, long ttlNanos, String key, long grantSent, long grantAnswered) {
        this.id = id;
        this.ttlNanos = ttlNanos;
        this.key = key;
        this.grantSent = grantSent;
        this.renewalsSent.add(grantSent);
        this.latestPossibleRenewal = grantAnswered;
    }

    public String name() {
        return "lease " + Long.toHexString(id) + " (" + key + ")";
    }

    /** A keep-alive sent at {@code sent} was acknowledged at {@code answered}. */
    public synchronized void renewed(long sent, long answered) {
        renewalsSent.add(sent);
        latestPossibleRenewal = Math.max(latestPossibleRenewal, answered);
    }

    /** A keep-alive got no acknowledgement; the client gave up on it at {@code gaveUp} (it may still land). */
    public synchronized void unanswered(long gaveUp) {
        latestPossibleRenewal = Math.max(latestPossibleRenewal, gaveUp);
    }

    public synchronized void read(LeaseHistory.KeyRead read) {
        reads.add(read);
    }

    /** Whether a read has found the key gone. */
    public synchronized boolean goneSeen() {
        return firstGone().isPresent();
    }

    /** When the first read that found the key gone completed. */
    private synchronized OptionalLong firstGone() {
        return reads.stream().filter(r -> !r.present()).mapToLong(LeaseHistory.KeyRead::completeNanos).min();
    }

    /**
     * The lease for {@link LeaseChecker}. A new leader restarts every lease's clock at its election (it
     * cannot know the last renewal the old leader granted), so each leader elected before the key was
     * seen gone counts as a renewal that may have reached the leader then.
     *
     * @param elections when leaders took office, as the run saw them (a moment at or after each)
     */
    public synchronized LeaseHistory history(List<Long> elections) {
        long gone = firstGone().orElse(Long.MAX_VALUE);
        long latest = latestPossibleRenewal;
        for (long elected : elections) {
            if (elected <= gone) {
                latest = Math.max(latest, elected);
            }
        }
        return new LeaseHistory(name(), ttlNanos, renewalsSent, latest, revokeSent, reads);
    }

    /**
     * For a lease that expired by itself: how long past its TTL (from its latest possible renewal) the
     * key was last seen, and the first read that found it gone completed. This measures how late expiry
     * comes under the run's faults.
     *
     * @param lastSeenNanos negative when no read found the key after the TTL ran out
     */
    public record Lateness(long lastSeenNanos, long goneByNanos) {
    }

    /** {@link Lateness} of this lease; empty for a revoked one or one never seen gone. */
    public synchronized Optional<Lateness> expiryLateness(List<Long> elections) {
        OptionalLong gone = firstGone();
        if (revokeSent != Long.MAX_VALUE || gone.isEmpty()) {
            return Optional.empty();
        }
        long deadline = history(elections).latestPossibleRenewal() + ttlNanos;
        long lastPresent = reads.stream().filter(LeaseHistory.KeyRead::present)
                .mapToLong(LeaseHistory.KeyRead::invokeNanos).max().orElse(Long.MIN_VALUE);
        return Optional.of(new Lateness(Math.max(lastPresent, grantSent) - deadline, gone.getAsLong() - deadline));
    }
}
