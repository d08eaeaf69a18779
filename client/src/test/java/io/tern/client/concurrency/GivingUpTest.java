package io.tern.client.concurrency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A lock or a campaign given up in the instant it was won must not be left held by nobody. */
@Timeout(30)
class GivingUpTest {

    @Test
    void aWaitThatTimesOutAsTheFutureCompletesReturnsItsOutcome() throws Exception {
        CompletableFuture<String> wonJustThen = new CompletableFuture<>() {
            @Override
            public String get(long timeout, TimeUnit unit) throws TimeoutException {
                complete("held");
                throw new TimeoutException();
            }
        };

        assertEquals("held", Futures.await(wonJustThen, 1));
    }

    @Test
    void aWaitThatTimesOutGivesUpAFutureStillWaiting() {
        CompletableFuture<String> waiting = new CompletableFuture<>();

        assertThrows(TimeoutException.class, () -> Futures.await(waiting, TimeUnit.MILLISECONDS.toNanos(10)));
        assertTrue(waiting.isCancelled());
    }

    @Test
    void cancellingWhileThePlaceIsBeingTakenGivesThePlaceBack() throws Exception {
        CompletableFuture<Long> place = new CompletableFuture<>();
        CountDownLatch recording = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        List<Long> givenBack = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> handedOut = QueuePlace.handOut(place, revision -> {
            recording.countDown();
            awaitQuietly(cancelled);
        }, givenBack::add);

        Thread winner = Thread.ofPlatform().start(() -> place.complete(42L));
        recording.await();
        assertTrue(handedOut.cancel(false), "the caller gives up before the place is recorded");
        cancelled.countDown();
        winner.join();

        assertEquals(List.of(42L), givenBack);
    }

    @Test
    void cancellingAPlaceStillWaitingCancelsItAndGivesNothingBack() {
        CompletableFuture<Long> place = new CompletableFuture<>();
        List<Long> givenBack = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> handedOut = QueuePlace.handOut(place, revision -> { }, givenBack::add);

        handedOut.cancel(false);

        assertTrue(place.isCancelled());
        assertEquals(List.of(), givenBack);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
