package io.tern.raft.sim;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a seeded simulation over a range of seeds on a few threads, as the core's and the driver's
 * simulations both do: {@code -Dtern.sim.seeds} (how many), {@code -Dtern.sim.firstSeed} and
 * {@code -Dtern.sim.threads} scale it; it stops after a few failing seeds and fails the test with
 * the lowest one.
 */
public final class SeedSweep {

    private static final int STOP_AFTER_FAILURES = 3;

    /** One seed's run: returns why it failed, or null when it passed. */
    @FunctionalInterface
    public interface SeedRun {
        String run(long seed);
    }

    /** What a sweep did: seeds passed, wall and CPU time of the workers. */
    public record Sweep(int passed, double seconds, double cpuSeconds) {
    }

    private SeedSweep() {
    }

    /** Runs {@code defaultSeeds} seeds (or {@code -Dtern.sim.seeds}) and fails the test on a failing one. */
    public static Sweep run(int defaultSeeds, SeedRun run) throws Exception {
        int seeds = Integer.getInteger("tern.sim.seeds", defaultSeeds);
        long first = Long.getLong("tern.sim.firstSeed", 1);
        int threads = Integer.getInteger("tern.sim.threads", 2);
        AtomicLong nextSeed = new AtomicLong(first);
        AtomicInteger passed = new AtomicInteger();
        AtomicLong cpuNanos = new AtomicLong();
        Map<Long, String> failures = new ConcurrentSkipListMap<>();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(pool.submit(() -> {
                long seed;
                while ((seed = nextSeed.getAndIncrement()) < first + seeds && failures.size() < STOP_AFTER_FAILURES) {
                    String failure = run.run(seed);
                    if (failure == null) {
                        passed.incrementAndGet();
                    } else {
                        failures.put(seed, failure);
                    }
                }
                cpuNanos.addAndGet(java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
            }));
        }
        try {
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdown();
        }
        Sweep sweep = new Sweep(passed.get(), (System.nanoTime() - start) / 1e9, cpuNanos.get() / 1e9);
        if (!failures.isEmpty()) {
            Map.Entry<Long, String> lowest = failures.entrySet().iterator().next();
            fail("failing seeds " + failures.keySet() + " (stopped after " + STOP_AFTER_FAILURES + "); seed "
                    + lowest.getKey() + ":\n" + lowest.getValue());
        }
        return sweep;
    }
}
