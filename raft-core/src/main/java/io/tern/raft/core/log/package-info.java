/** A node's Raft log as the core sees it: durable storage followed by entries not yet durable. Internal to the core. */
package io.tern.raft.core.log;
