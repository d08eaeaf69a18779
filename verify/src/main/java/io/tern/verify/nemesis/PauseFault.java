package io.tern.verify.nemesis;

import java.util.List;

/** SIGSTOP one node; SIGCONT at the heal. */
final class PauseFault extends AbstractFault {

    PauseFault() {
        super("pause", "SIGSTOP a random node or the leader; SIGCONT at the heal", true, false,
                List.of(FaultVariant.RANDOM_NODE, FaultVariant.LEADER));
    }

    @Override
    public Injection inject(FaultStep step, FaultContext on) {
        int id = on.targets().getFirst();
        on.cluster().pause(id);
        return new Injection(on.targets(), "SIGSTOP " + on.who(), () -> {
            on.cluster().resume(id);
            return "SIGCONT";
        });
    }
}
