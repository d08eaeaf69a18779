package io.tern.verify.nemesis;

import java.util.List;

/** Cuts the targets off both ways through their proxies; the heal heals them and resets their connections. */
final class PartitionFault extends AbstractFault {

    PartitionFault() {
        super("partition", "cut a random node, the leader or a random minority off both ways through their proxies "
                + "(they hear nothing; what they send arrives but is never answered); heal and reset the connections "
                + "at the heal", false, true, List.of(FaultVariant.RANDOM_NODE, FaultVariant.LEADER,
                FaultVariant.MINORITY));
    }

    @Override
    public Injection inject(FaultStep step, FaultContext on) {
        on.targets().forEach(id -> on.cluster().proxy(id).partition());
        return new Injection(on.targets(), "cut off both ways " + on.who(), () -> on.healProxies(on.targets()));
    }
}
