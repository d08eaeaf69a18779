package io.tern.raft.types;

/**
 * What a member keeps besides its log and snapshots: the term and vote of its hard state (the
 * commit index is not kept here: the log records it as entries are applied), and the bootstrap
 * membership, the configuration its log started from. Every save is durable before it returns.
 */
public interface TermStorage {

    long term();

    /** The member voted for in {@link #term()}, 0 for none. */
    long votedFor();

    /** The membership a new data directory was started with; empty for a member that joins. */
    Membership bootstrapMembership();

    void saveTermAndVote(long term, long votedFor);

    void saveBootstrapMembership(Membership bootstrap);
}
