package io.tern.raft.core;

import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;
import io.tern.raft.core.Message.PreVote;
import io.tern.raft.core.Message.PreVoteResponse;
import io.tern.raft.core.Message.RequestVote;
import io.tern.raft.core.Message.RequestVoteResponse;

/** How any node, whatever its role, answers PreVote and RequestVote. */
final class VoteRequests {

    private final RaftCore core;

    VoteRequests(RaftCore core) {
        this.core = core;
    }

    /**
     * Whether to drop a vote request without answering it and, above all, without adopting its term.
     *
     * <p>Leader stickiness (with check-quorum): a node that heard from a live leader within the
     * election timeout ignores requests for a higher term, unless the leader itself asked for the
     * election (a leadership transfer).
     *
     * <p>Removed members: a request from a node that is not a voter of our configuration is ignored,
     * but only when its log is not ahead of ours. A node that is behind may hold a stale configuration
     * in which a legitimate new voter is unknown or a learner, and ignoring that voter could leave no
     * electable majority. A removed member is always behind: it lacks the committed entry that removed
     * it (had it received that entry it would know it is no voter and would not campaign). With an
     * equal or older log we would refuse the vote anyway, so ignoring costs no liveness. A node with no
     * configuration yet (one waiting to join) listens to everyone.
     */
    boolean ignores(Message request) {
        long lastIndex;
        long lastTerm;
        boolean transfer;
        switch (request) {
            case PreVote p -> {
                lastIndex = p.lastLogIndex();
                lastTerm = p.lastLogTerm();
                transfer = false;
            }
            case RequestVote r -> {
                lastIndex = r.lastLogIndex();
                lastTerm = r.lastLogTerm();
                transfer = r.leadershipTransfer();
            }
            default -> throw new IllegalArgumentException("not a vote request: " + request);
        }
        if (request.term() > core.term && !transfer && core.inLease()) {
            return true;
        }
        Membership current = core.configs.current();
        if (current.members().isEmpty() || current.member(request.from()).map(Member::voter).orElse(false)) {
            return false;
        }
        boolean ahead = lastTerm > core.log.lastTerm()
                || (lastTerm == core.log.lastTerm() && lastIndex > core.log.lastIndex());
        return !ahead;
    }

    /** Answers a request of our term (or a pre-vote for a later one). Grants need an up-to-date log. */
    void answer(Message request) {
        switch (request) {
            case PreVote p -> {
                boolean candidateUpToDate = core.log.isUpToDate(p.lastLogIndex(), p.lastLogTerm());
                boolean grant = canVote(p.from(), p.term(), true) && candidateUpToDate;
                // A grant names the term the candidate asked about; a refusal tells it ours.
                core.send(new PreVoteResponse(core.id, p.from(), grant ? p.term() : core.term, grant));
                if (!candidateUpToDate) {
                    core.refusedACandidateBehind();
                }
            }
            case RequestVote r -> {
                boolean grant = canVote(r.from(), r.term(), false) && core.log.isUpToDate(r.lastLogIndex(), r.lastLogTerm());
                if (grant) {
                    core.vote = r.from();
                    core.electionTimer.restart();
                    if (core.roleState() instanceof FollowerState follower) {
                        follower.grantedAVote();
                    }
                }
                core.send(new RequestVoteResponse(core.id, r.from(), core.term, grant));
            }
            default -> throw new IllegalArgumentException("not a vote request: " + request);
        }
    }

    /** One vote per term: repeat it for the same candidate, or cast it if we have neither voted nor follow a leader. */
    private boolean canVote(long candidate, long candidateTerm, boolean preVote) {
        return core.vote == candidate
                || (core.vote == RaftCore.NONE && core.lead == RaftCore.NONE)
                || (preVote && candidateTerm > core.term);
    }
}
