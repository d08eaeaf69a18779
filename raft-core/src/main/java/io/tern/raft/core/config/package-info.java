/** The cluster configurations found in a node's log, so that truncating an uncommitted CONFIG entry reverts to the previous one. Internal to the core. */
package io.tern.raft.core.config;
