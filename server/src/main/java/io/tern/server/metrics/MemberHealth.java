package io.tern.server.metrics;

import io.tern.engine.state.Alarm;
import io.tern.raft.core.Role;
import io.tern.raft.node.Contact;
import io.tern.raft.node.NodeStatus;
import io.tern.raft.node.RaftNode;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Whether this member is fit to serve, as etcd's {@code /health} judges: it has a leader, a quorum
 * answered recently (leading: a majority of voters within an election timeout; following: the leader
 * within it), and its storage writes (the member has not stopped after a storage failure, and no
 * alarm such as NOSPACE is raised, under which the cluster refuses writes). One short reason when not.
 */
public final class MemberHealth {

    /** The verdict: {@code reason} is null when healthy. */
    public record Verdict(boolean healthy, String reason) {

        static final Verdict HEALTHY = new Verdict(true, null);

        static Verdict unhealthy(String reason) {
            return new Verdict(false, reason);
        }
    }

    private final RaftNode node;
    private final Supplier<List<Alarm>> alarms;
    private final long stalledAfterNanos;

    /** @param electionTimeout the base election timeout: a Raft loop that has not ticked for two is stalled */
    public MemberHealth(RaftNode node, Supplier<List<Alarm>> alarms, Duration electionTimeout) {
        this.node = node;
        this.alarms = alarms;
        this.stalledAfterNanos = 2 * electionTimeout.toNanos();
    }

    public Verdict check() {
        return check(node.status());
    }

    /** As {@link #check()}, on a status the caller has already read (STATUS reports both). */
    public Verdict check(NodeStatus status) {
        if (node.hasFailed()) {
            return Verdict.unhealthy("the member stopped after a storage failure");
        }
        if (status.leaderId() == 0) {
            return Verdict.unhealthy("no leader");
        }
        Contact contact = node.contact();
        if (System.nanoTime() - contact.takenNanos() > stalledAfterNanos) {
            return Verdict.unhealthy("the Raft loop is stalled");
        }
        if (!contact.inTouchWithQuorum()) {
            return Verdict.unhealthy(status.role() == Role.LEADER ? "no quorum answered within the election timeout"
                    : "the leader was not heard from within the election timeout");
        }
        List<Alarm> raised = alarms.get();
        if (!raised.isEmpty()) {
            Alarm alarm = raised.getFirst();
            return Verdict.unhealthy("alarm " + alarm.type().name() + " raised by member " + alarm.memberId());
        }
        return Verdict.HEALTHY;
    }
}
