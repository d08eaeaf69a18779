package io.tern.raft.node;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BorrowedSerialExecutorTest {

    private final ExecutorService owner = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopOwner() {
        owner.shutdownNow();
    }

    @Test
    void shuttingDownWaitsForTheAcceptedTasksAndLeavesTheOwnerRunning() throws Exception {
        BorrowedSerialExecutor borrowed = new BorrowedSerialExecutor(owner, "loop");
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> ran = new ArrayList<>();
        borrowed.execute(() -> awaitQuietly(release));
        for (int i = 0; i < 3; i++) {
            int task = i;
            borrowed.execute(() -> ran.add(task));
        }
        borrowed.shutdown();
        assertThrows(RejectedExecutionException.class, () -> borrowed.execute(() -> ran.add(99)));
        assertFalse(borrowed.awaitTermination(50, TimeUnit.MILLISECONDS), "a task is still held");
        assertFalse(borrowed.isTerminated());

        release.countDown();
        assertTrue(borrowed.awaitTermination(5, TimeUnit.SECONDS));
        assertTrue(borrowed.isTerminated());
        assertEquals(List.of(0, 1, 2), ran, "in order, and nothing after the shutdown");
        assertFalse(owner.isShutdown(), "the owner's executor is not this one's to stop");
        assertTrue(owner.submit(() -> true).get(5, TimeUnit.SECONDS));
    }

    @Test
    void aTaskTheOwnerRefusesIsNotWaitedFor() throws Exception {
        BorrowedSerialExecutor borrowed = new BorrowedSerialExecutor(owner, "loop");
        owner.shutdown();
        assertThrows(RejectedExecutionException.class, () -> borrowed.execute(() -> { }));
        borrowed.shutdown();
        assertTrue(borrowed.awaitTermination(1, TimeUnit.SECONDS));
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
