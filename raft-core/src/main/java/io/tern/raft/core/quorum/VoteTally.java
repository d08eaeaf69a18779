package io.tern.raft.core.quorum;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The votes (or pre-votes) a candidate has received in one election, counted over a fixed voter set. */
public final class VoteTally {

    private final List<Long> voters;
    private final Map<Long, Boolean> votes = new HashMap<>();

    public VoteTally(List<Long> voters) {
        this.voters = List.copyOf(voters);
    }

    /** Records the first answer of {@code voter}; later answers from the same voter are ignored. */
    public Quorum.VoteResult record(long voter, boolean granted) {
        votes.putIfAbsent(voter, granted);
        return result();
    }

    /** Whether {@code voter} is one of this election's voters and has not answered yet. */
    public boolean awaits(long voter) {
        return voters.contains(voter) && !votes.containsKey(voter);
    }

    public Quorum.VoteResult result() {
        return Quorum.tally(voters, votes::get);
    }

    public List<Long> voters() {
        return voters;
    }
}
