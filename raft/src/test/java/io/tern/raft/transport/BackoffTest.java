package io.tern.raft.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static final Duration BASE = Duration.ofMillis(50);
    private static final Duration MAX = Duration.ofSeconds(1);

    @Test
    void doublesFromTheBaseUpToTheCapWithHalfOfEachDelayRandom() {
        Backoff least = new Backoff(BASE, MAX, () -> 0.0);
        Backoff most = new Backoff(BASE, MAX, () -> 1.0);
        long[] ceilingsMillis = {50, 100, 200, 400, 800, 1000, 1000};
        for (int failures = 0; failures < ceilingsMillis.length; failures++) {
            assertEquals(Duration.ofMillis(ceilingsMillis[failures] / 2), least.delayAfter(failures));
            assertEquals(Duration.ofMillis(ceilingsMillis[failures]), most.delayAfter(failures));
        }
    }

    @Test
    void neverOverflowsHoweverLongTheOutage() {
        Backoff most = new Backoff(BASE, MAX, () -> 1.0);
        for (int failures : new int[] {30, 61, 62, 63, 64, 1000, Integer.MAX_VALUE}) {
            assertEquals(MAX, most.delayAfter(failures));
        }
    }

    @Test
    void refusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, MAX, Math::random));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(MAX, BASE, Math::random));
        assertThrows(IllegalArgumentException.class, () -> Backoff.defaults().delayAfter(-1));
    }
}
