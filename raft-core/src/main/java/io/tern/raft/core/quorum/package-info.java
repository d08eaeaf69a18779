/** Majority arithmetic over a voter set: commit index, election outcome, quorum of active members. Internal to the core. */
package io.tern.raft.core.quorum;
