package io.tern.raft.core;

/**
 * What a node must keep across restarts to stay safe: its current term and the candidate it voted
 * for in that term ({@link RaftCore#NONE} for none). The commit index rides along so that recovery can
 * replay committed entries without waiting for a leader; losing it is harmless.
 */
public record HardState(long term, long vote, long commit) {

    public static final HardState INITIAL = new HardState(0, RaftCore.NONE, 0);

    public HardState {
        if (term < 0 || vote < 0 || commit < 0) {
            throw new IllegalArgumentException("hard state fields must not be negative: " + term + "/" + vote + "/" + commit);
        }
    }
}
