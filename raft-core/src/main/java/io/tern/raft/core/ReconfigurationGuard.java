package io.tern.raft.core;

import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;
import io.tern.raft.core.quorum.Quorum;
import java.util.HashSet;
import java.util.Optional;
import java.util.function.LongPredicate;
import java.util.function.LongUnaryOperator;

/**
 * A leader's checks before it proposes a configuration (etcd's strict reconfiguration check). A single
 * server change is always safe, but not always live: with too few reachable voters the new
 * configuration commits nothing, not even the change that would undo it. So a change of voters must
 * leave a quorum of voters the leader has heard from lately (a member that is not yet in the
 * configuration has never been heard from as one); and a learner becomes a voter only once it holds
 * nearly all of the leader's log, or it would hold back every commit while it catches up. Changes
 * that leave the voters as they are (learners joining or leaving) are never refused here.
 */
final class ReconfigurationGuard {

    /** A learner may be promoted once its log reaches this share of the leader's (etcd's threshold). */
    static final int PROMOTION_PERCENT = 90;

    private ReconfigurationGuard() {
    }

    /**
     * @param leader        the leader's id (it is healthy by definition)
     * @param heardRecently whether the leader heard from a current member within an election timeout
     * @param matchIndex    the highest log index a current member is known to hold
     * @param leaderMatch   the highest index the leader itself holds durably
     * @return the refusal, or empty if {@code next} may be proposed
     */
    static Optional<ProposeResult.Rejected> check(Membership current, Membership next, long leader,
                                                 LongPredicate heardRecently, LongUnaryOperator matchIndex,
                                                 long leaderMatch) {
        for (Member member : next.members()) {
            boolean promoted = member.voter() && current.member(member.id()).map(m -> !m.voter()).orElse(false);
            if (promoted && !inSync(matchIndex.applyAsLong(member.id()), leaderMatch)) {
                return Optional.of(new ProposeResult.Rejected(Rejection.LEARNER_NOT_CAUGHT_UP, leader,
                        "learner " + member.id() + " is not in sync with the leader: it holds the log up to index "
                                + matchIndex.applyAsLong(member.id()) + " of " + leaderMatch + ", and needs "
                                + required(leaderMatch) + " (" + PROMOTION_PERCENT + "%)"));
            }
        }
        if (new HashSet<>(current.voterIds()).equals(new HashSet<>(next.voterIds()))) {
            return Optional.empty();
        }
        int voters = next.voterIds().size();
        int healthy = 0;
        for (long voter : next.voterIds()) {
            if (voter == leader || (current.contains(voter) && heardRecently.test(voter))) {
                healthy++;
            }
        }
        int quorum = Quorum.majority(voters);
        if (healthy < quorum) {
            return Optional.of(new ProposeResult.Rejected(Rejection.UNHEALTHY_CLUSTER, leader,
                    "the change would leave " + healthy + " healthy voter" + (healthy == 1 ? "" : "s") + " of " + voters
                            + ", below a quorum of " + quorum + " (unhealthy cluster)"));
        }
        return Optional.empty();
    }

    private static boolean inSync(long match, long leaderMatch) {
        return match >= required(leaderMatch);
    }

    /** The smallest index that is at least {@link #PROMOTION_PERCENT} percent of {@code leaderMatch}. */
    private static long required(long leaderMatch) {
        return Math.ceilDiv(leaderMatch * PROMOTION_PERCENT, 100);
    }
}
