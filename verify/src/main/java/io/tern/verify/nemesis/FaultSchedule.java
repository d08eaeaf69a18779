package io.tern.verify.nemesis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;

/**
 * The endless, seeded sequence of faults a {@link Nemesis} runs: the same seed, faults, timing and
 * cluster capabilities give the same steps, independent of any clock. Each step draws the same
 * number of values from one {@link Random}, so no choice shifts the ones after it.
 */
public final class FaultSchedule {

    static final long MIN_LATENCY_MILLIS = 10;
    static final long MAX_LATENCY_MILLIS = 200;

    private final long seed;
    private final List<Fault> faults;
    private final Timing timing;
    private final boolean processes;
    private final boolean network;
    private final Random random;
    private int number;

    /**
     * @param processes whether the cluster lets us kill, pause and start nodes
     * @param network   whether the cluster has proxies for network faults
     * @throws IllegalArgumentException if {@code faults} is empty or holds a fault the cluster cannot have
     */
    public FaultSchedule(long seed, Collection<Fault> faults, Timing timing, boolean processes, boolean network) {
        if (faults.isEmpty()) {
            throw new IllegalArgumentException("no fault kinds to schedule");
        }
        // The registry's order, not the order given: it is part of what a seed means.
        List<Fault> ordered = Faults.inScheduleOrder(faults);
        for (Fault fault : ordered) {
            if (!fault.appliesTo(processes, network)) {
                String needs = fault.needsProcesses() && !processes ? "control of the nodes' processes"
                        : "a proxy in front of each node";
                throw new IllegalArgumentException("fault '" + fault.name() + "' needs " + needs
                        + ", which a cluster reached by --endpoints lacks; there only "
                        + supportedNames(processes, network) + " work");
            }
        }
        this.seed = seed;
        this.faults = ordered;
        this.timing = timing;
        this.processes = processes;
        this.network = network;
        this.random = new Random(seed);
    }

    private static String supportedNames(boolean processes, boolean network) {
        List<String> names = new ArrayList<>();
        for (Fault fault : Faults.ALL) {
            if (fault.appliesTo(processes, network)) {
                names.add(fault.name());
            }
        }
        return String.join(", ", names);
    }

    public long seed() {
        return seed;
    }

    public List<Fault> faults() {
        return faults;
    }

    public Timing timing() {
        return timing;
    }

    /** The next step. */
    public synchronized FaultStep next() {
        Fault fault = faults.get(random.nextInt(faults.size()));
        List<FaultVariant> variants = fault.forms(processes, network);
        FaultVariant variant = variants.get(random.nextInt(variants.size()));
        long pick = random.nextLong();
        Duration quiet = between(timing.quietMin(), timing.quietMax());
        Duration active = between(timing.activeMin(), timing.activeMax());
        long latency = MIN_LATENCY_MILLIS + random.nextLong(MAX_LATENCY_MILLIS - MIN_LATENCY_MILLIS + 1);
        long jitter = random.nextLong(latency / 2 + 1);
        return new FaultStep(++number, fault, variant, pick, quiet, active, Duration.ofMillis(latency),
                Duration.ofMillis(jitter));
    }

    /** The next {@code count} steps. */
    public List<FaultStep> next(int count) {
        List<FaultStep> steps = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            steps.add(next());
        }
        return steps;
    }

    private Duration between(Duration min, Duration max) {
        long span = max.toMillis() - min.toMillis();
        return Duration.ofMillis(min.toMillis() + random.nextLong(span + 1));
    }
}
