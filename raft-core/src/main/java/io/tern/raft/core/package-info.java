/**
 * The Raft consensus algorithm as a deterministic state machine: no I/O, no clock, no threads.
 *
 * <p>The public API is this package's top level: {@link io.tern.raft.core.RaftCore} (inputs and the
 * {@link io.tern.raft.core.Ready}/advance cycle), the {@link io.tern.raft.core.Message} records exchanged
 * between cores, {@link io.tern.raft.core.RaftStorageView} (what the core reads of durable storage) and
 * {@link io.tern.raft.core.RaftConfig}. Inside, each role handles messages its own way
 * ({@code FollowerState}, {@code CandidateState}, {@code LeaderState} with its {@code Replicator}).
 *
 * <p>The sub-packages hold one concern each and are internal to the core, public only so that the
 * core can use them: {@code log} (durable plus not-yet-durable entries), {@code quorum} (majority
 * arithmetic), {@code progress} (a leader's view of each follower), {@code read} (ReadIndex rounds, and a follower's requests for them),
 * {@code config} (configurations found in the log).
 *
 * <p>Protocol choices, with their reasons in the code: pre-vote and check-quorum with leader
 * stickiness; single-server membership changes taking effect when appended, one at a time and only
 * after the leader committed an entry of its term; ReadIndex reads batched per heartbeat round, on
 * the leader or asked of it by a follower;
 * pipelined replication with probe fallback and conflict-term backtracking; flow control on
 * uncommitted proposals.
 */
package io.tern.raft.core;
