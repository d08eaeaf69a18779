package io.tern.verify.nemesis;

import io.tern.client.ServerStatus;
import io.tern.verify.cluster.ClusterControl;
import java.util.List;

/**
 * Removes a follower and adds it back at the heal, or adds a new node and removes it at the heal;
 * every change is noted in the nemesis's {@link MembershipChanges} until it is undone.
 */
final class MembershipFault extends AbstractFault {

    MembershipFault() {
        super("membership", "remove a random follower and add it back at the heal, or add a new node and remove "
                + "it at the heal (new members join as learners and become voters once caught up)", false, false,
                List.of(FaultVariant.REMOVE_AND_READD, FaultVariant.ADD_AND_REMOVE));
    }

    @Override
    public Injection inject(FaultStep step, FaultContext on) {
        ClusterControl cluster = on.cluster();
        if (step.variant() == FaultVariant.ADD_AND_REMOVE) {
            int added = cluster.addNode();
            on.membership().added(added);
            long leaderFirst = cluster.leaderId().stream().mapToLong(id -> cluster.status(id)
                    .map(ServerStatus::firstLogIndex).orElse(0L)).findFirst().orElse(0L);
            String how = leaderFirst > 1 ? "by InstallSnapshot: the leader's log starts at " + leaderFirst
                    : "from the log, which the leader still holds from index 1";
            return new Injection(List.of(added), "added node " + added + " (learner, caught up " + how
                    + ", then voter)", () -> {
                cluster.removeNode(added);
                on.membership().removedAgain(added);
                return "removed node " + added;
            });
        }
        int removed = on.targets().getFirst();
        on.membership().removing(removed);
        cluster.removeNode(removed);
        return new Injection(on.targets(), "removed member " + on.who(), () -> {
            cluster.rejoinNode(removed);
            on.membership().readded(removed);
            return "member " + removed + " back as a voter, caught up";
        });
    }
}
