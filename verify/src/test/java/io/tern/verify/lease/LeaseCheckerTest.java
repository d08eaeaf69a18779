package io.tern.verify.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class LeaseCheckerTest {

    private static final long MS = 1_000_000L;
    private static final long TTL = 2_000 * MS;
    private final LeaseChecker checker = new LeaseChecker(1_500 * MS);

    private static LeaseHistory lease(List<Long> renewals, long latestRenewal, long revoke, LeaseHistory.KeyRead... reads) {
        return new LeaseHistory("lease 1", TTL, renewals, latestRenewal, revoke, List.of(reads));
    }

    private static LeaseHistory.KeyRead read(long invokeMs, long completeMs, boolean present) {
        return new LeaseHistory.KeyRead("k", invokeMs * MS, completeMs * MS, present);
    }

    @Test
    void aKeptAliveLeaseWhoseKeysStayPasses() {
        LeaseHistory kept = lease(List.of(0L, 600 * MS, 1_200 * MS), 1_200 * MS, Long.MAX_VALUE,
                read(100, 110, true), read(2_500, 2_510, true), read(5_000, 5_010, false));

        assertEquals(List.of(), checker.check(List.of(kept)));
    }

    @Test
    void aKeyGoneWhileTheLeaseWasKeptAliveIsReported() {
        LeaseHistory early = lease(List.of(0L, 1_000 * MS), 1_000 * MS, Long.MAX_VALUE, read(2_500, 2_600, false));

        assertEquals(List.of("lease 1: k was gone in a read that completed 400 ms before the lease could expire"),
                checker.check(List.of(early)));
    }

    @Test
    void aRevokeEndsThePromise() {
        LeaseHistory revoked = lease(List.of(0L), 0L, 500 * MS, read(600, 700, false));

        assertEquals(List.of(), checker.check(List.of(revoked)));
    }

    @Test
    void aKeyOutlivingTtlPlusTheAllowanceIsReported() {
        LeaseHistory lingering = lease(List.of(0L), 0L, Long.MAX_VALUE, read(3_400, 3_410, true), read(3_600, 3_610, true));

        assertEquals(List.of("lease 1: k was still there in a read that began 1600 ms after the lease's TTL ran out"
                + " (allowed: 1500 ms)"), checker.check(List.of(lingering)));
    }

    @Test
    void anUnansweredKeepAliveMayHaveRenewedTheLease() {
        LeaseHistory maybeRenewed = lease(List.of(0L), 1_000 * MS, Long.MAX_VALUE, read(4_000, 4_010, true));

        assertEquals(List.of(), checker.check(List.of(maybeRenewed)));
    }
}
