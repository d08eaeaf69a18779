package io.tern.verify.nemesis;

import java.time.Duration;
import java.util.List;

/** Adds the step's latency and jitter both ways on the targets' proxies; the heal clears it. */
final class SlowFault extends AbstractFault {

    SlowFault() {
        super("slow", "latency 10-200 ms with jitter up to half of it, both ways, on every node, a random node or the "
                + "leader; cleared at the heal", false, true,
                List.of(FaultVariant.ALL_NODES, FaultVariant.RANDOM_NODE, FaultVariant.LEADER));
    }

    @Override
    public Injection inject(FaultStep step, FaultContext on) {
        on.targets().forEach(id -> on.cluster().proxy(id).setDelay(step.latency(), step.jitter()));
        return new Injection(on.targets(), "latency " + step.latency().toMillis() + " ms ± "
                + step.jitter().toMillis() + " ms each way into " + on.who(), () -> {
            on.targets().forEach(id -> on.cluster().proxy(id).setDelay(Duration.ZERO, Duration.ZERO));
            return "latency cleared";
        });
    }
}
