package io.tern.raft.nodesim;

import io.tern.raft.node.NodeRuntime;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * One incarnation of a member's threads, on the simulation's clock. Each "thread" (serial executor)
 * runs its tasks in order, each after a random pause drawn from the seed, so the loop, the log
 * writer, the applier and the snapshot threads interleave differently from seed to seed (now and
 * then one stalls, as a slow disk would). {@link #crash()} kills them all at once: what was queued
 * never runs, as in a process that died.
 */
final class SimRuntime implements NodeRuntime {

    private final SimClock clock;
    private final SplittableRandom random;
    private final long coreSeed;
    private final List<ExecutorService> executors = new ArrayList<>();
    private boolean crashed;
    private Throwable uncaught;

    SimRuntime(SimClock clock, SplittableRandom random) {
        this.clock = clock;
        this.random = random;
        this.coreSeed = random.nextLong();
    }

    @Override
    public String toString() {
        return executors.toString();
    }

    void crash() {
        crashed = true;
    }

    /** What a task threw out of its executor: a real executor would only print it and go on, the simulation fails. */
    Throwable uncaught() {
        return uncaught;
    }

    @Override
    public ExecutorService serialExecutor(String name) {
        SerialExecutor executor = new SerialExecutor(name);
        executors.add(executor);
        return executor;
    }

    @Override
    public ExecutorService pool(String name) {
        return serialExecutor(name);
    }

    @Override
    public ScheduledExecutorService timers(String name) {
        return new Timers();
    }

    @Override
    public void runLater(Duration delay, Runnable task) {
        clock.schedule(delay.toNanos(), () -> {
            if (!crashed) {
                task.run();
            }
        });
    }

    @Override
    public long nanoTime() {
        return clock.nanoTime();
    }

    @Override
    public RandomGenerator random(long id) {
        return new SplittableRandom(coreSeed ^ id);
    }

    /**
     * Mostly a few microseconds, now and then a stall of milliseconds (a slow disk, a descheduled
     * thread); a slow executor (a slow disk under the log writer, a slow state machine) takes
     * milliseconds for every task.
     */
    private long pauseNanos(boolean slow) {
        int dice = random.nextInt(1000);
        if (dice < 3) {
            return random.nextLong(100_000_000, 400_000_000); // a long pause: a GC, a stalled disk
        }
        if (dice < 20) {
            return random.nextLong(5_000_000, 60_000_000);
        }
        if (slow) {
            return random.nextLong(200_000, 8_000_000);
        }
        return random.nextLong(1_000, dice < 200 ? 2_000_000 : 200_000);
    }

    private void runGuarded(Runnable task) {
        try {
            task.run();
        } catch (RejectedExecutionException e) {
            // Handing work to an executor that was shut down: the real executors reject the same way.
        } catch (Throwable e) {
            if (uncaught == null) {
                uncaught = e;
            }
        }
    }

    /** One simulated thread. */
    private final class SerialExecutor extends AbstractExecutorService {
        private final String name;
        private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
        /**
         * The loop only steps the core, which costs microseconds: a slow loop would only fall
         * behind its inputs for ever. Disks and state machines are what run slow.
         */
        private final boolean slow;
        private boolean scheduled;
        private boolean shutdown;

        SerialExecutor(String name) {
            this.name = name;
            this.slow = !name.contains("-loop-") && random.nextInt(100) < 20;
        }

        @Override
        public void execute(Runnable task) {
            if (shutdown || crashed) {
                throw new RejectedExecutionException(name + " has stopped");
            }
            queue.add(task);
            scheduleNext();
        }

        private void scheduleNext() {
            if (scheduled || queue.isEmpty()) {
                return;
            }
            scheduled = true;
            clock.schedule(pauseNanos(slow), () -> {
                scheduled = false;
                if (crashed) {
                    queue.clear();
                    return;
                }
                runGuarded(queue.poll());
                scheduleNext();
            });
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            shutdown = true;
            List<Runnable> dropped = new ArrayList<>(queue);
            queue.clear();
            return dropped;
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }

        @Override
        public boolean isTerminated() {
            return shutdown && queue.isEmpty();
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return isTerminated(); // nothing to wait for on the simulation's one thread
        }

        @Override
        public String toString() {
            return name + (slow ? " (slow)" : "") + (queue.isEmpty() ? "" : " with " + queue.size() + " queued");
        }
    }

    /** A member's timers on the simulation's clock. */
    private final class Timers extends AbstractExecutorService implements ScheduledExecutorService {
        private boolean shutdown;

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            return start(command, unit.toNanos(delay), 0);
        }

        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
            return start(command, unit.toNanos(initialDelay), unit.toNanos(period));
        }

        @Override
        public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
            return start(command, unit.toNanos(initialDelay), unit.toNanos(delay));
        }

        @Override
        @SuppressWarnings("unchecked")
        public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
            // The value is of no use to the driver, which only wants the call made on time.
            return (ScheduledFuture<V>) start(() -> {
                try {
                    callable.call();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, unit.toNanos(delay), 0);
        }

        private Timer start(Runnable command, long delayNanos, long periodNanos) {
            if (shutdown || crashed) {
                throw new RejectedExecutionException("the timers have stopped");
            }
            Timer timer = new Timer(command, periodNanos);
            timer.arm(delayNanos);
            return timer;
        }

        @Override
        public void execute(Runnable command) {
            schedule(command, 0, TimeUnit.NANOSECONDS);
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            shutdown = true;
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }

        @Override
        public boolean isTerminated() {
            return shutdown;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }

        /** One timer; a periodic one re-arms itself after it ran. */
        private final class Timer extends CompletableFuture<Object> implements ScheduledFuture<Object> {
            private final Runnable command;
            private final long periodNanos;
            private long dueNanos;

            Timer(Runnable command, long periodNanos) {
                this.command = command;
                this.periodNanos = periodNanos;
            }

            void arm(long delayNanos) {
                dueNanos = clock.nanoTime() + delayNanos;
                clock.schedule(delayNanos, this::fire);
            }

            private void fire() {
                if (isDone() || shutdown || crashed) {
                    return;
                }
                runGuarded(command);
                if (periodNanos > 0) {
                    arm(periodNanos);
                } else {
                    complete(null);
                }
            }

            @Override
            public long getDelay(TimeUnit unit) {
                return unit.convert(dueNanos - clock.nanoTime(), TimeUnit.NANOSECONDS);
            }

            @Override
            public int compareTo(Delayed other) {
                return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
            }
        }
    }
}
