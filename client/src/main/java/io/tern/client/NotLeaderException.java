package io.tern.client;

import io.tern.client.protocol.Status;

/**
 * A node with forwarding off answered NOT_LEADER and the client could not reach a leader before the
 * deadline. The request was not applied.
 */
public final class NotLeaderException extends TernException {

    private final String leaderAddress;

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
