/** Linearizable reads with ReadIndex, batched per heartbeat round. Internal to the core. */
package io.tern.raft.core.read;
