package io.tern.raft.node;

/**
 * Told when this member starts or stops leading (see {@link RaftNode#addLeadershipListener}). Called
 * on the member's loop thread, which every Raft input waits for, and which in a server also writes
 * and reads the member's peer connections: an implementation only records or hands the news on,
 * never blocks, never calls back into the node and waits, and never throws (the member would stop).
 */
@FunctionalInterface
public interface LeadershipListener {

    /**
     * @param leading whether this member now leads
     * @param term    the term it leads in; when it stops, the term it led
     */
    void leadershipChanged(boolean leading, long term);
}
