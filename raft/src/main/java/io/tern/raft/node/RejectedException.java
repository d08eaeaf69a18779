package io.tern.raft.node;

import io.tern.raft.core.Rejection;
import java.util.Objects;

/**
 * The core refused the request (see {@link #reason()}): it was certainly not applied. A refusal
 * because this node does not lead is the subclass {@link RaftNotLeaderException}, which a server may
 * answer by forwarding; the others (a configuration change in progress, an invalid change, a
 * transfer under way, overload) tell the caller to wait or to fix the request.
 */
public class RejectedException extends RuntimeException {
    private final Rejection reason;
    private final long leaderId;
    private final String leaderAddress;

    public RejectedException(Rejection reason, String message, long leaderId, String leaderAddress) {
        super(message, null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.leaderId = leaderId;
        this.leaderAddress = Objects.requireNonNull(leaderAddress, "leaderAddress");
    }

    public Rejection reason() {
        return reason;
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
