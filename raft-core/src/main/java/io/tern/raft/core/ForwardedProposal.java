package io.tern.raft.core;

/**
 * What became of a proposal a follower handed to its leader ({@link RaftCore#proposeHere}), under
 * the driver's number for it: accepted (wait for its index and term to be applied, as for a
 * leader's own proposal), rejected (appended nowhere) or unanswered (unknown).
 */
public record ForwardedProposal(long proposalId, ProposeResult result) {
}
