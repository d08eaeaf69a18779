package io.tern.verify.nemesis;

import io.tern.chaos.FaultProxy;
import io.tern.verify.cluster.ClusterControl;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * What a {@link Fault} acts on: the cluster, the nodes its step drew, the leader when it started,
 * and what the {@link Nemesis} keeps across faults (the membership it changed, the rules seen broken).
 *
 * @param violations where a fault that checks a rule itself reports it broken (each one fails the run)
 */
public record FaultContext(ClusterControl cluster, List<Integer> targets, OptionalInt leader,
                           MembershipChanges membership, Consumer<String> violations) {

    /** How long an injection waits for a leader it needs (for a transfer, a membership change). */
    public static final Duration LEADER_WAIT = Duration.ofSeconds(10);
    /** How long a heal waits for the node it concerns to catch up, before recording that it did not. */
    public static final Duration CATCH_UP_WAIT = Duration.ofSeconds(20);

    public FaultContext {
        targets = List.copyOf(targets);
    }

    /** The targets in words, noting the leader among them. */
    public String who() {
        boolean leaderAmongThem = leader.isPresent() && targets.contains(leader.getAsInt());
        return targets + (leaderAmongThem ? " (leader " + leader.getAsInt() + " among them)" : "");
    }

    /** Heals the proxies of {@code ids} and resets their connections; says how many. */
    public String healProxies(List<Integer> ids) {
        int reset = 0;
        for (int id : ids) {
            FaultProxy proxy = cluster.proxy(id);
            proxy.heal();
            // Bytes dropped mid-stream leave a framed connection broken: start every one afresh.
            reset += proxy.resetConnections();
        }
        return "healed, " + reset + " connections reset";
    }
}
