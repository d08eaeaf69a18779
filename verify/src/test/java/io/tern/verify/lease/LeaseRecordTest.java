package io.tern.verify.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A holder's record of one lease, as {@link LeaseChecker} judges it; times in ms for readability. */
class LeaseRecordTest {

    private static final long MS = 1_000_000;
    private static final long TTL = 3_000 * MS;
    private static final LeaseChecker CHECKER = new LeaseChecker(2_500 * MS);

    private static LeaseHistory.KeyRead read(long invokeMs, long completeMs, boolean present) {
        return new LeaseHistory.KeyRead("lease/h0-1", invokeMs * MS, completeMs * MS, present);
    }

    /** Granted at 0 (answered at 10), renewed at 1000 and 2000, then left to expire. */
    private static LeaseRecord keptAliveUntil2000() {
        LeaseRecord lease = new LeaseRecord(0x7f, TTL, "lease/h0-1", 0, 10 * MS);
        lease.renewed(1_000 * MS, 1_020 * MS);
        lease.renewed(2_000 * MS, 2_030 * MS);
        return lease;
    }

    @Test
    void aLeaseThatLivedWhileRenewedAndEndedInTimePasses() {
        LeaseRecord lease = keptAliveUntil2000();
        lease.read(read(4_000, 4_010, true));
        lease.read(read(5_500, 5_510, true));
        lease.read(read(6_000, 6_010, false));

        assertEquals(List.of(), CHECKER.check(List.of(lease.history(List.of()))));
        LeaseRecord.Lateness lateness = lease.expiryLateness(List.of()).orElseThrow();
        assertEquals(5_500 * MS - 5_030 * MS, lateness.lastSeenNanos());
        assertEquals(6_010 * MS - 5_030 * MS, lateness.goneByNanos());
    }

    @Test
    void aFakedReadThatFoundTheKeyGoneWhileItWasKeptAliveFailsTheCheck() {
        LeaseRecord lease = keptAliveUntil2000();
        lease.read(read(2_500, 2_510, false));

        List<String> anomalies = CHECKER.check(List.of(lease.history(List.of())));

        assertEquals(1, anomalies.size(), anomalies.toString());
        assertTrue(anomalies.getFirst().contains("was gone in a read that completed 2490 ms before the lease could expire"),
                anomalies.getFirst());
    }

    @Test
    void aKeyThatOutlivedItsLeaseFailsTheCheck() {
        LeaseRecord lease = keptAliveUntil2000();
        lease.read(read(8_000, 8_010, true));

        List<String> anomalies = CHECKER.check(List.of(lease.history(List.of())));

        assertEquals(1, anomalies.size(), anomalies.toString());
        assertTrue(anomalies.getFirst().contains("still there in a read that began 2970 ms after"), anomalies.getFirst());
    }

    @Test
    void aNewLeaderRestartsTheLeasesClockButOnlyUntilTheKeyWasSeenGone() {
        LeaseRecord lease = keptAliveUntil2000();
        lease.read(read(8_000, 8_010, true));
        lease.read(read(9_000, 9_010, false));

        assertEquals(List.of(), CHECKER.check(List.of(lease.history(List.of(4_000 * MS)))),
                "a leader elected at 4000 ms renews it to 7000 ms");
        assertEquals(4_000 * MS, lease.history(List.of(4_000 * MS, 12_000 * MS)).latestPossibleRenewal(),
                "an election after the key was seen gone renews nothing");
    }

    @Test
    void anUnansweredKeepAliveMayHaveLandedUntilTheClientGaveUp() {
        LeaseRecord lease = keptAliveUntil2000();
        lease.unanswered(3_500 * MS);
        lease.read(read(8_000, 8_010, true));

        LeaseHistory history = lease.history(List.of());
        assertEquals(3_500 * MS, history.latestPossibleRenewal());
        assertEquals(List.of(0L, 1_000 * MS, 2_000 * MS), history.renewalsSent(), "only acknowledged renewals promise");
        assertEquals(List.of(), CHECKER.check(List.of(history)));
    }

    @Test
    void aRevokedLeaseMayEndBeforeItsTtlAndIsNotMeasured() {
        LeaseRecord lease = keptAliveUntil2000();
        lease.revokeSent = 2_100 * MS;
        lease.read(read(2_200, 2_210, false));

        assertEquals(List.of(), CHECKER.check(List.of(lease.history(List.of()))));
        assertTrue(lease.expiryLateness(List.of()).isEmpty());
    }
}
