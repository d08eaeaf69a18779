package io.tern.raft.core;

/**
 * A leader's view of one other member, for operators: how far its log matches the leader's, and how
 * many leader ticks passed since it last answered.
 *
 * @param match      the highest index known to be in the member's log
 * @param quietTicks ticks since its last answer; {@link #NEVER} if it has not answered this leader
 */
public record PeerContact(long id, long match, int quietTicks) {

    /** {@code quietTicks} of a member that has not answered this leader yet. */
    public static final int NEVER = Integer.MAX_VALUE;
}
