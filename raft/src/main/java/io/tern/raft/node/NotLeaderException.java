package io.tern.raft.node;

/**
 * This node is not the leader, or stopped being it before the request took effect: the request
 * was certainly not applied and may be retried, at the leader if one is known.
 */
public final class NotLeaderException extends RuntimeException {
    private final long leaderId;
    private final String leaderAddress;

    public NotLeaderException(String message, long leaderId, String leaderAddress) {
        super(message, null, false, false);
        this.leaderId = leaderId;
        this.leaderAddress = leaderAddress;
    }

    /** The leader this node knows of, or 0. */
    public long leaderId() {
        return leaderId;
    }

    /** The leader's advertised address, or an empty string if unknown. */
    public String leaderAddress() {
        return leaderAddress;
    }
}
