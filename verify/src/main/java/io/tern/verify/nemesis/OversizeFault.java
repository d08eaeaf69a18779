package io.tern.verify.nemesis;

import java.util.List;

/**
 * Sends one node requests at and just over every size limit ({@link OversizeRequests}); what it
 * finds broken is reported as a violation. Nothing to heal.
 */
final class OversizeFault extends AbstractFault {

    OversizeFault() {
        super("oversize", "send a random node or the leader requests at and one byte over every size limit (a key of "
                + "16 KiB, a value of --max-value-bytes, a frame of 8 MiB + 64 KiB): those at a limit must be "
                + "acknowledged and read back on every node, those over it answered TOO_LARGE with nothing changed, "
                + "and the cluster must keep committing", false, false,
                List.of(FaultVariant.RANDOM_NODE, FaultVariant.LEADER));
    }

    @Override
    public Injection inject(FaultStep step, FaultContext on) {
        int target = on.targets().getFirst();
        OversizeRequests.Result result = new OversizeRequests(on.cluster(), on.cluster().maxValueBytes())
                .run(step.number(), target);
        result.violations().forEach(on.violations());
        String broken = result.violations().isEmpty() ? "" : "; VIOLATED: " + String.join("; ", result.violations());
        return new Injection(List.of(target), result.details() + broken, Heal.nothing());
    }
}
