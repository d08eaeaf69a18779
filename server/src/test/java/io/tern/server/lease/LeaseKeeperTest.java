package io.tern.server.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.engine.state.LeaseInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The leader's lease clock on a clock the test moves, with the replicated state and the log faked. */
class LeaseKeeperTest {

    private static final Duration ELECTION_TIMEOUT = Duration.ofSeconds(1);

    /** The leases as the replicated state holds them; revokes "apply" when the test completes them. */
    private final TreeMap<Long, LeaseInfo> state = new TreeMap<>();
    private final List<Long> revokesProposed = new ArrayList<>();
    private final List<CompletableFuture<Object>> revokesInFlight = new ArrayList<>();
    private long now = 1_000_000_000L;

    private final LeaseKeeper keeper = new LeaseKeeper(new LeaseKeeper.LeaseState() {
        @Override
        public List<LeaseInfo> all() {
            return List.copyOf(state.values());
        }

        @Override
        public Optional<LeaseInfo> find(long id) {
            return Optional.ofNullable(state.get(id));
        }
    }, id -> {
        revokesProposed.add(id);
        CompletableFuture<Object> applied = new CompletableFuture<>();
        revokesInFlight.add(applied);
        return applied;
    }, Runnable::run, () -> now, ELECTION_TIMEOUT, () -> { });

    private void grantInState(long id, long ttlSeconds) {
        state.put(id, new LeaseInfo(id, ttlSeconds, List.of()));
    }

    private void advance(long millis) {
        now += TimeUnit.MILLISECONDS.toNanos(millis);
    }

    private void advanceAndCheck(long millis) {
        advance(millis);
        keeper.check();
    }

    /** Applies every revoke proposed so far, as the log would. */
    private void applyRevokes() {
        for (long id : revokesProposed) {
            state.remove(id);
        }
        revokesInFlight.forEach(applied -> applied.complete(null));
        revokesInFlight.clear();
    }

    @Test
    void anExpiredLeaseIsRevokedAfterItsTtlAndNotBefore() {
        grantInState(7, 10);
        keeper.leadershipChanged(true, 2);
        advanceAndCheck(9_999);
        assertEquals(List.of(), revokesProposed, "not before the TTL");
        advanceAndCheck(1);
        assertEquals(List.of(7L), revokesProposed, "at the TTL");
    }

    @Test
    void aKeepAliveRenewsToTheFullTtlFromNow() throws Exception {
        grantInState(7, 10);
        keeper.leadershipChanged(true, 2);
        advanceAndCheck(8_000);
        LeaseKeeper.Remaining renewed = keeper.keepAlive(7).get().orElseThrow();
        assertEquals(10, renewed.remainingSeconds());
        advanceAndCheck(9_999);
        assertEquals(List.of(), revokesProposed, "renewed at 8 s, so alive until 18 s");
        assertEquals(0, keeper.timeToLive(7).get().orElseThrow().remainingSeconds(), "under a second left");
        advanceAndCheck(1);
        assertEquals(List.of(7L), revokesProposed);
    }

    @Test
    void timeToLiveCountsDownInWholeSeconds() throws Exception {
        grantInState(7, 60);
        keeper.leadershipChanged(true, 2);
        advance(5_500);
        LeaseKeeper.Remaining left = keeper.timeToLive(7).get().orElseThrow();
        assertEquals(54, left.remainingSeconds(), "54.5 s left, rounded down as etcd does");
        assertEquals(60, left.lease().ttlSeconds());
        assertTrue(keeper.timeToLive(8).get().isEmpty(), "no such lease");
    }

    @Test
    void becomingLeaderRenewsEveryLeaseToItsFullTtl() {
        grantInState(1, 5);
        grantInState(2, 30);
        keeper.leadershipChanged(true, 2);
        advanceAndCheck(4_000);
        keeper.leadershipChanged(false, 2);
        advanceAndCheck(20_000);
        assertEquals(List.of(), revokesProposed, "a follower proposes nothing, however long");
        keeper.leadershipChanged(true, 4);
        advanceAndCheck(4_999);
        assertEquals(List.of(), revokesProposed, "each lease's clock starts afresh at the promotion");
        advanceAndCheck(1);
        assertEquals(List.of(1L), revokesProposed);
        advanceAndCheck(25_000);
        assertEquals(List.of(1L, 2L), revokesProposed);
    }

    @Test
    void aLeaseGrantedWhileLeadingExpiresItsTtlAfterTheLeaderLearnsOfIt() {
        keeper.leadershipChanged(true, 2);
        advanceAndCheck(3_000);
        grantInState(9, 4); // applied from the log, not through this member's own grant
        advanceAndCheck(1_000);
        advanceAndCheck(3_999);
        assertEquals(List.of(), revokesProposed, "learned of at 4 s");
        advanceAndCheck(1);
        assertEquals(List.of(9L), revokesProposed);
    }

    @Test
    void aGrantServedHereStartsItsClockAtOnce() {
        keeper.leadershipChanged(true, 2);
        advance(500);
        grantInState(9, 4);
        keeper.granted(9, 4);
        advanceAndCheck(4_000);
        assertEquals(List.of(9L), revokesProposed, "expired 4 s after the grant, though the check first saw it then");
    }

    @Test
    void anExpiredLeaseIsRevokedOnceWhileItsRevokeIsUnderWay() {
        grantInState(7, 2);
        keeper.leadershipChanged(true, 2);
        advanceAndCheck(2_000);
        advanceAndCheck(500);
        advanceAndCheck(500);
        assertEquals(List.of(7L), revokesProposed);
        applyRevokes();
        advanceAndCheck(500);
        assertEquals(List.of(7L), revokesProposed, "applied: the lease is gone and forgotten");
    }

    @Test
    void aRevokeThatFailedIsProposedAgainByTheNextCheck() {
        grantInState(7, 2);
        keeper.leadershipChanged(true, 2);
        advanceAndCheck(2_000);
        revokesInFlight.removeFirst().completeExceptionally(new IllegalStateException("timed out"));
        advanceAndCheck(500);
        assertEquals(List.of(7L, 7L), revokesProposed);
    }

    @Test
    void anExpiredLeaseCannotBeKeptAlive() throws Exception {
        grantInState(7, 2);
        keeper.leadershipChanged(true, 2);
        advance(2_000);
        assertTrue(keeper.keepAlive(7).get().isEmpty(), "expired, whether or not its revoke was proposed yet");
        keeper.check();
        assertEquals(List.of(7L), revokesProposed);
    }

    @Test
    void aRevokedLeaseCannotBeKeptAlive() throws Exception {
        grantInState(7, 10);
        keeper.leadershipChanged(true, 2);
        state.remove(7L); // a client's revoke, applied
        assertTrue(keeper.keepAlive(7).get().isEmpty());
    }

    @Test
    void aFollowerAnswersNothingAndForgetsOnLosingLeadership() throws Exception {
        grantInState(7, 10);
        ExecutionException notLeading = assertThrows(ExecutionException.class, () -> keeper.keepAlive(7).get());
        assertInstanceOf(LeaseKeeper.NotLeadingException.class, notLeading.getCause());
        keeper.leadershipChanged(true, 2);
        assertEquals(10, keeper.keepAlive(7).get().orElseThrow().remainingSeconds());
        keeper.leadershipChanged(false, 2);
        assertInstanceOf(LeaseKeeper.NotLeadingException.class,
                assertThrows(ExecutionException.class, () -> keeper.timeToLive(7).get()).getCause());
    }

    @Test
    void theMinimumTtlIsOneAndAHalfElectionTimeoutsRoundedUp() {
        assertEquals(2, keeper.minimumTtlSeconds());
        assertEquals(2, LeaseTtl.minimumSeconds(Duration.ofMillis(1000)));
        assertEquals(1, LeaseTtl.minimumSeconds(Duration.ofMillis(500)));
        assertEquals(1, LeaseTtl.minimumSeconds(Duration.ofMillis(100)));
        assertEquals(4, LeaseTtl.minimumSeconds(Duration.ofMillis(2001)));
    }

    @Test
    void theLongestTtlDoesNotOverflowTheClock() throws Exception {
        grantInState(7, LeaseTtl.MAX_SECONDS);
        keeper.leadershipChanged(true, 2);
        advanceAndCheck(TimeUnit.DAYS.toMillis(365));
        assertEquals(List.of(), revokesProposed);
        assertTrue(keeper.timeToLive(7).get().orElseThrow().remainingSeconds() > 0);
    }
}
