/** A leader's replication progress per member: match/next indexes, probe/replicate/snapshot states, the pipelining window. Internal to the core. */
package io.tern.raft.core.progress;
