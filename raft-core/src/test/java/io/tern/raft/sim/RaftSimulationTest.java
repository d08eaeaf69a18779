package io.tern.raft.sim;


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

    @Test
    void randomSchedulesKeepRaftSafeAndLive() throws Exception {
        String single = System.getProperty("tern.sim.seed");
        if (single != null) {
            Simulation.Result result = new Simulation(Long.parseLong(single), true).run();
            System.out.println(result);
            return;
        }
        AtomicLong events = new AtomicLong();
        AtomicLong committed = new AtomicLong();
        AtomicLong reads = new AtomicLong();
        long[] slowest = {0, 0};
        SeedSweep.Sweep sweep = SeedSweep.run(6000, seed -> {
            try {
                Simulation.Result r = new Simulation(seed, false).run();
                events.addAndGet(r.events());
                committed.addAndGet(r.committed());
                reads.addAndGet(r.readsChecked());
                synchronized (slowest) {
                    if (r.livenessMs() > slowest[0]) {
                        slowest[0] = r.livenessMs();
                        slowest[1] = seed;
                    }
                }
                return null;
            } catch (SimulationFailure e) {
                return e.getMessage();
            }
        });
        System.out.printf("simulation: %d seeds passed in %.1f s, %d events, %d committed entries, %d linearizable reads"
                + " checked, slowest recovery after calm %d ms (seed %d)%n", sweep.passed(), sweep.seconds(), events.get(),
                committed.get(), reads.get(), slowest[0], slowest[1]);
    }
}
