package io.tern.raft.transport;

/**
 * Raft messages to one peer since the transport started: how many went out to the socket and how
 * many were dropped (not connected, outbound buffer full, write failed, too large).
 */
public record PeerStats(long sent, long dropped) {
}
