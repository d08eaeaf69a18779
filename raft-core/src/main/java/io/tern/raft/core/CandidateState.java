package io.tern.raft.core;

import io.tern.raft.core.Message.AppendEntries;
import io.tern.raft.core.Message.Heartbeat;
import io.tern.raft.core.Message.InstallSnapshot;
import io.tern.raft.core.Message.PreVote;
import io.tern.raft.core.Message.PreVoteResponse;
import io.tern.raft.core.Message.RequestVote;
import io.tern.raft.core.Message.RequestVoteResponse;
import io.tern.raft.core.quorum.Quorum.VoteResult;
import io.tern.raft.core.quorum.VoteTally;

/** A pre-candidate or candidate: counts (pre-)votes until it wins, loses, or hears from a leader. */
final class CandidateState implements RoleState {

    private final RaftCore core;
    private final boolean preVote;
    private final boolean leadershipTransfer;
    private final VoteTally tally;

    CandidateState(RaftCore core, boolean preVote, boolean leadershipTransfer, VoteTally tally) {
        this.core = core;
        this.preVote = preVote;
        this.leadershipTransfer = leadershipTransfer;
        this.tally = tally;
    }

    /** Asks every other voter for its (pre-)vote. */
    void requestVotes() {
        for (long voter : tally.voters()) {
            if (voter != core.id) {
                core.send(voteRequestTo(voter));
            }
        }
    }

    /**
     * Asks {@code voter} again if it has not answered: the transport says it is now connected, so the
     * first request was likely dropped while it was down. A voter answers a repeated request as it
     * answered the first, so this changes nothing but how soon the election ends.
     */
    void askAgain(long voter) {
        if (tally.awaits(voter)) {
            core.send(voteRequestTo(voter));
        }
    }

    private Message voteRequestTo(long voter) {
        return preVote
                ? new PreVote(core.id, voter, core.term + 1, core.log.lastIndex(), core.log.lastTerm())
                : new RequestVote(core.id, voter, core.term, core.log.lastIndex(), core.log.lastTerm(), leadershipTransfer);
    }

    @Override
    public Role role() {
        return preVote ? Role.PRE_CANDIDATE : Role.CANDIDATE;
    }

    VoteTally tally() {
        return tally;
    }

    @Override
    public void step(Message message) {
        switch (message) {
            case AppendEntries m -> yieldTo(m);
            case Heartbeat m -> yieldTo(m);
            case InstallSnapshot m -> yieldTo(m);
            case PreVoteResponse m when preVote -> {
                // A grant names the term we would campaign in; anything else is left over from an older round.
                if (!m.granted() || m.term() == core.term + 1) {
                    count(m.from(), m.granted());
                }
            }
            case RequestVoteResponse m when !preVote -> count(m.from(), m.granted());
            default -> {
                // TimeoutNow while campaigning already, or answers to another round.
            }
        }
    }

    /** Someone won this term: follow it and let the follower handle its message. */
    private void yieldTo(Message fromLeader) {
        core.becomeFollower(core.term, fromLeader.from());
        core.roleState().step(fromLeader);
    }

    private void count(long voter, boolean granted) {
        VoteResult result = tally.record(voter, granted);
        if (result == VoteResult.WON) {
            if (preVote) {
                core.becomeCandidate(false);
            } else {
                core.becomeLeader();
            }
        } else if (result == VoteResult.LOST) {
            core.becomeFollower(core.term, RaftCore.NONE);
        }
    }
}
