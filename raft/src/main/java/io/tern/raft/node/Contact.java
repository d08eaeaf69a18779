package io.tern.raft.node;

import java.util.List;

/**
 * How recently this member heard from the rest of its cluster, as the Raft loop saw it at its last
 * tick: exact to within one heartbeat. For health checks and STATUS.
 *
 * @param inTouchWithQuorum   leading: a quorum of voters answered within the election timeout;
 *                            otherwise: a known leader was heard from within it
 * @param leaderContactMillis not leading, with a known leader: how long ago it was last heard; else -1
 * @param followers           leading: every other member, in id order; else empty
 * @param takenNanos          when the loop took it, on the runtime's clock
 */
public record Contact(boolean inTouchWithQuorum, long leaderContactMillis, List<FollowerContact> followers,
                      long takenNanos) {

    public Contact {
        followers = List.copyOf(followers);
    }

    /**
     * A leader's view of one other member.
     *
     * @param matchIndex        the highest index known to be in its log
     * @param lastContactMillis how long ago it last answered this leader; -1 if it has not yet
     */
    public record FollowerContact(long id, long matchIndex, long lastContactMillis) {
    }
}
