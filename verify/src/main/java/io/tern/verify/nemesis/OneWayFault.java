package io.tern.verify.nemesis;

import io.tern.chaos.FaultProxy;
import java.util.List;

/**
 * Drops one direction of a node's proxy: toward the node (it hears nothing) or from it (its answers
 * are lost); the heal heals the proxy and resets its connections.
 */
final class OneWayFault extends AbstractFault {

    OneWayFault() {
        super("one-way", "drop one direction of a random node's or the leader's proxy: the node hears nothing, or "
                + "its answers are lost; heal and reset the connections at the heal", false, true,
                List.of(FaultVariant.DEAF_RANDOM, FaultVariant.DEAF_LEADER, FaultVariant.MUTE_RANDOM,
                        FaultVariant.MUTE_LEADER));
    }

    @Override
    public Injection inject(FaultStep step, FaultContext on) {
        boolean deaf = step.variant() == FaultVariant.DEAF_RANDOM || step.variant() == FaultVariant.DEAF_LEADER;
        FaultProxy.Direction direction = deaf ? FaultProxy.Direction.TO_UPSTREAM : FaultProxy.Direction.FROM_UPSTREAM;
        on.targets().forEach(id -> on.cluster().proxy(id).blackhole(direction));
        return new Injection(on.targets(), (deaf ? "hears nothing: " : "answers lost: ") + on.who(),
                () -> on.healProxies(on.targets()));
    }
}
