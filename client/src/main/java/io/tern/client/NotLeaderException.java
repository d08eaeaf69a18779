package io.tern.client;

import io.tern.client.protocol.Status;

/**
 * A node with forwarding off answered NOT_LEADER and the client could not reach a leader before the
 * deadline. The request was not applied.
 */
public final class NotLeaderException extends TernException {

    /** The leader's address as the node reported it; empty when unknown. */
    private final String leaderAddress;

    /**
     * A NOT_LEADER failure.
     *
     * @param leaderAddress the leader's address from the NOT_LEADER answer, or empty when unknown
     */
    public NotLeaderException(String leaderAddress) {
        super(Status.NOT_LEADER, leaderAddress.isEmpty() ? "the node does not know the leader"
                : "not the leader; the leader is " + leaderAddress, null);
        this.leaderAddress = leaderAddress;
    }

    /** The leader's address as the node knew it, or empty when it did not. */
    public String leaderAddress() {
        return leaderAddress;
    }
}
