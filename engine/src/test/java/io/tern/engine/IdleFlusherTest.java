package io.tern.engine;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class IdleFlusherTest {

    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong durable = new AtomicLong();
    private final AtomicInteger flushes = new AtomicInteger();
    private final IdleFlusher flusher = new IdleFlusher(applied::get, durable::get, () -> {
        flushes.incrementAndGet();
        durable.set(applied.get());
    });

    @Test
    void aPauseInApplyingFlushesWhatWasApplied() {
        applied.set(10);
        flusher.look();
        assertEquals(0, flushes.get(), "the first look has no earlier one to compare with");
        flusher.look();
        assertEquals(1, flushes.get());
        assertEquals(10, durable.get());
    }

    @Test
    void applyingThatGoesOnIsLeftToFlushOnItsOwn() {
        for (long index = 1; index <= 5; index++) {
            applied.set(index);
            flusher.look();
        }
        assertEquals(0, flushes.get());
    }

    @Test
    void aFlushThatFailedIsTriedAgainOnlyOnceMoreIsApplied() {
        AtomicInteger attempts = new AtomicInteger();
        IdleFlusher failing = new IdleFlusher(applied::get, durable::get, () -> {
            attempts.incrementAndGet();
            throw new StorageException("no space left on device");
        });
        applied.set(10);
        for (int look = 0; look < 5; look++) {
            failing.lookQuietly();
        }
        assertEquals(1, attempts.get(), "a full disk is not flushed into once a second, each with a warning");
        applied.set(11);
        failing.lookQuietly();
        failing.lookQuietly();
        assertEquals(2, attempts.get());
    }

    @Test
    void aStateAlreadyOnDiskIsNotFlushedAgain() {
        applied.set(10);
        flusher.look();
        flusher.look();
        flusher.look();
        flusher.look();
        assertEquals(1, flushes.get(), "one flush per pause");
        applied.set(12);
        flusher.look();
        flusher.look();
        assertEquals(2, flushes.get());
    }
}
