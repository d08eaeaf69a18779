package io.tern.raft.node;

import java.time.Duration;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Where a {@link RaftNode} gets its threads, time and randomness. {@link #threads()} is the real
 * one; a simulation passes executors that run on one thread in an order its seed decides, a
 * virtual clock and a seeded random source, so a run replays exactly.
 */
public interface NodeRuntime {

    /** An executor that runs one task at a time, in order; {@code name} names its thread. */
    ExecutorService serialExecutor(String name);

    /**
     * The executor of the Raft loop: a serial executor, by default {@link #serialExecutor(String)}
     * ({@code name} then names its thread).
     */
    default ExecutorService raftLoop(String name) {
        return serialExecutor(name);
    }

    /** An executor for independent tasks that may run side by side. */
    ExecutorService pool(String name);

    /** Timers; a cancelled timer must leave its queue at once (a request's deadline holds its future). */
    ScheduledExecutorService timers(String name);

    /**
     * Runs {@code task} after {@code delay} whatever happens to the member meanwhile (unlike its
     * timers, which stop with it): for what must be answered even then.
     */
    void runLater(Duration delay, Runnable task);

    /** A monotonic clock in nanoseconds, as {@link System#nanoTime()}. */
    long nanoTime();

    /** The random source of member {@code id}'s core (its election timeouts). */
    RandomGenerator random(long id);

    /** Platform threads, the system clock and a random source seeded from it. */
    static NodeRuntime threads() {
        return Threads.INSTANCE;
    }

    /**
     * As {@link #threads()}, but the Raft loop runs on {@code loopThread}, a serial executor that the
     * caller owns and stops after the member: the event loop of the member's peer connections, so
     * that the loop writes its messages itself instead of waking another thread for each.
     */
    static NodeRuntime threadsWithLoopOn(Executor loopThread) {
        return new Threads(Objects.requireNonNull(loopThread, "loopThread"));
    }

    /** The production runtime. */
    final class Threads implements NodeRuntime {
        private static final Threads INSTANCE = new Threads(null);

        /** Where the Raft loop runs; null for a thread of its own. */
        private final Executor loopThread;

        private Threads(Executor loopThread) {
            this.loopThread = loopThread;
        }

        @Override
        public ExecutorService raftLoop(String name) {
            return loopThread == null ? serialExecutor(name) : new BorrowedSerialExecutor(loopThread, name);
        }

        @Override
        public ExecutorService serialExecutor(String name) {
            return Executors.newSingleThreadExecutor(Thread.ofPlatform().name(name).daemon().factory());
        }

        @Override
        public ExecutorService pool(String name) {
            return Executors.newCachedThreadPool(Thread.ofPlatform().name(name, 0).daemon().factory());
        }

        @Override
        public ScheduledExecutorService timers(String name) {
            ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1,
                    Thread.ofPlatform().name(name).daemon().factory());
            timers.setRemoveOnCancelPolicy(true);
            return timers;
        }

        @Override
        public void runLater(Duration delay, Runnable task) {
            CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS).execute(() -> {
                try {
                    task.run();
                } catch (RejectedExecutionException e) {
                    // What it would hand on to has stopped meanwhile.
                }
            });
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public RandomGenerator random(long id) {
            return new SplittableRandom(System.nanoTime() ^ id);
        }
    }
}
