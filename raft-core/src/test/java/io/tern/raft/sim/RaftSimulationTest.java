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
import org.junit.jupiter.api.Test;

/**
 * Runs the deterministic simulation over many seeds (odd seeds: 5 voters, even: 3; two more nodes
 * wait to be added as members).
 *
 * <ul>
 *   <li>{@code -Dtern.sim.seeds=N}: how many seeds (default 6000), starting at {@code -Dtern.sim.firstSeed} (default 1);</li>
 *   <li>{@code -Dtern.sim.seed=N}: replay just that seed, printing every event to this test's output file;</li>
 *   <li>{@code -Dtern.sim.chaosMs=N}: simulated time of the fault phase of each seed (default 10000);</li>
 *   <li>{@code -Dtern.sim.threads=N}: worker threads (default 2).</li>
 * </ul>
 */
class RaftSimulationTest {

    private static final int STOP_AFTER_FAILURES = 3;

    @Test
    void randomSchedulesKeepRaftSafeAndLive() throws Exception {
        String single = System.getProperty("tern.sim.seed");
        if (single != null) {
            Simulation.Result result = new Simulation(Long.parseLong(single), true).run();
            System.out.println(result);
            return;
        }
        int seeds = Integer.getInteger("tern.sim.seeds", 6000);
        long first = Long.getLong("tern.sim.firstSeed", 1);
        int threads = Integer.getInteger("tern.sim.threads", 2);
        AtomicLong nextSeed = new AtomicLong(first);
        AtomicLong events = new AtomicLong();
        AtomicLong committed = new AtomicLong();
        AtomicLong reads = new AtomicLong();
        AtomicInteger passed = new AtomicInteger();
        long[] slowest = {0, 0};
        Map<Long, String> failures = new ConcurrentSkipListMap<>();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(pool.submit(() -> {
                long seed;
                while ((seed = nextSeed.getAndIncrement()) < first + seeds && failures.size() < STOP_AFTER_FAILURES) {
                    try {
                        Simulation.Result r = new Simulation(seed, false).run();
                        events.addAndGet(r.events());
                        committed.addAndGet(r.committed());
                        reads.addAndGet(r.readsChecked());
                        passed.incrementAndGet();
                        synchronized (slowest) {
                            if (r.livenessMs() > slowest[0]) {
                                slowest[0] = r.livenessMs();
                                slowest[1] = seed;
                            }
                        }
                    } catch (SimulationFailure e) {
                        failures.put(seed, e.getMessage());
                    }
                }
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        pool.shutdown();
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("simulation: %d seeds passed in %.1f s, %d events, %d committed entries, %d linearizable reads"
                + " checked, slowest recovery after calm %d ms (seed %d)%n", passed.get(), seconds, events.get(),
                committed.get(), reads.get(), slowest[0], slowest[1]);
        if (!failures.isEmpty()) {
            Map.Entry<Long, String> lowest = failures.entrySet().iterator().next();
            fail("failing seeds " + failures.keySet() + " (stopped after " + STOP_AFTER_FAILURES + "); seed "
                    + lowest.getKey() + ":\n" + lowest.getValue());
        }
    }
}
