/**
 * Linearizable reads with ReadIndex: a leader's, batched per heartbeat round, and a follower's, asked
 * of the leader one request at a time. Internal to the core.
 */
package io.tern.raft.core.read;
