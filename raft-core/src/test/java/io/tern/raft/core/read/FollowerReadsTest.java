package io.tern.raft.core.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FollowerReadsTest {

    @Test
    void readsGatheredWhileARequestIsOutShareTheNextOne() {
        FollowerReads reads = new FollowerReads();
        assertFalse(reads.readyToAsk());
        reads.add(10);
        reads.add(11);
        assertTrue(reads.readyToAsk());
        long first = 7;
        reads.startRequest(first);
        assertFalse(reads.readyToAsk(), "nothing gathered");
        reads.add(12);
        reads.add(13);
        assertFalse(reads.readyToAsk(), "a request is out");
        assertEquals(List.of(10L, 11L), reads.settled(first));
        assertTrue(reads.readyToAsk());
        long second = 8;
        reads.startRequest(second);
        assertEquals(List.of(12L, 13L), reads.settled(second));
        assertEquals(List.of(), reads.settled(first), "a repeated answer serves nothing twice");
    }

    @Test
    void aRequestIsGivenUpOnceItWaitedTheLimitAndItsLateAnswerServesNothing() {
        FollowerReads reads = new FollowerReads();
        reads.add(10);
        reads.startRequest(1);
        assertEquals(List.of(), reads.tick(3));
        assertEquals(List.of(), reads.tick(3));
        assertEquals(List.of(10L), reads.tick(3), "three ticks after it was sent");
        reads.add(11);
        assertTrue(reads.readyToAsk(), "the next request may go");
        reads.startRequest(2);
        assertEquals(List.of(), reads.settled(1), "the answer to the given-up request");
        assertEquals(List.of(11L), reads.settled(2));
    }

    @Test
    void aSecondRequestWhileOneIsOutIsABug() {
        FollowerReads reads = new FollowerReads();
        reads.add(10);
        reads.startRequest(1);
        assertThrows(IllegalStateException.class, () -> reads.startRequest(2));
    }

    @Test
    void aFollowerLackingMoreThanTheLimitOfTheLogIsTooFarBehind() {
        assertFalse(FollowerReads.tooFarBehind(5_000, 5_000));
        assertFalse(FollowerReads.tooFarBehind(5_000, 4_000), "exactly the limit missing");
        assertTrue(FollowerReads.tooFarBehind(5_000, 3_999));
    }

    @Test
    void abandonReturnsGatheredAndUnansweredReads() {
        FollowerReads reads = new FollowerReads();
        reads.add(10);
        reads.startRequest(1);
        reads.add(11);
        assertEquals(List.of(11L, 10L), reads.abandonAll());
        assertEquals(List.of(), reads.abandonAll());
    }
}
