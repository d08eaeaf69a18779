package io.tern.verify.nemesis;

import java.util.ArrayList;
import java.util.List;

/** SIGKILL the targets at once; the heal restarts those that are not running. */
final class KillFault extends AbstractFault {

    KillFault(String name, String description, FaultVariant form) {
        super(name, description, true, false, List.of(form));
    }

    @Override
    public Injection inject(FaultStep step, FaultContext on) {
        List<Integer> targets = on.targets();
        on.cluster().kill9(targets.stream().mapToInt(Integer::intValue).toArray());
        return new Injection(targets, "kill -9 " + on.who(), () -> {
            List<Integer> restarted = new ArrayList<>();
            for (int id : targets) {
                if (!on.cluster().isRunning(id)) {
                    on.cluster().restart(id);
                    restarted.add(id);
                }
            }
            return "restarted " + restarted;
        });
    }
}
