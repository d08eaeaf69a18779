package io.tern.verify.nemesis;

import io.tern.verify.cluster.ClusterException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Transfers leadership to a follower; nothing to heal. */
final class TransferFault extends AbstractFault {

    TransferFault() {
        super("transfer", "transfer leadership to a random follower", false, false,
                List.of(FaultVariant.RANDOM_FOLLOWER));
    }

    @Override
    public Injection inject(FaultStep step, FaultContext on) {
        int target = on.targets().getFirst();
        long started = System.nanoTime();
        on.cluster().transferLeader(target);
        String outcome;
        try {
            on.cluster().awaitLeader(FaultContext.LEADER_WAIT, id -> id == target);
            outcome = "; led by it after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms";
        } catch (ClusterException e) {
            outcome = "; accepted, but it did not lead within " + FaultContext.LEADER_WAIT.toMillis() + " ms";
        }
        return new Injection(on.targets(), "leadership from " + on.leader().getAsInt() + " to " + target + outcome,
                Heal.nothing());
    }
}
