package io.tern.raft.node;

import io.tern.raft.core.Rejection;

/**
 * This node is not the leader, or stopped being it before the request took effect: the request
 * was certainly not applied and may be retried, at the leader if one is known.
 */
public final class RaftNotLeaderException extends RejectedException {

    public RaftNotLeaderException(String message, long leaderId, String leaderAddress) {
        super(Rejection.NOT_LEADER, message, leaderId, leaderAddress);
    }
}
