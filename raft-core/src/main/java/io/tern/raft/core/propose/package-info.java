/**
 * Proposals made at a follower: handed to the leader over the members' channel, batched, and
 * answered with where the leader appended them. Internal to the core.
 */
package io.tern.raft.core.propose;
