package io.tern.raft.nodesim;

import io.tern.raft.types.EntryKind;
import io.tern.raft.types.LogEntry;
import io.tern.raft.types.Membership;

import java.util.Arrays;

/**
 * The simulated state machine's state: how far it applied, the configuration in force, and a
 * digest chained over every applied entry, so two members at one index agree only if they applied
 * the same entries in the same order.
 */
record SimState(long appliedIndex, long appliedTerm, Membership membership, long digest, long commands) {

    static SimState initial(Membership bootstrap) {
        return new SimState(0, 0, bootstrap, 0, 0);
    }

    SimState apply(LogEntry entry) {
        long mixed = digest * 0x9E3779B97F4A7C15L + entry.index() * 31 + entry.term();
        mixed = mixed * 0xC2B2AE3D27D4EB4FL + Arrays.hashCode(entry.payload());
        Membership next = entry.kind() == EntryKind.CONFIG ? Membership.decode(entry.payload()) : membership;
        return new SimState(entry.index(), entry.term(), next, mixed ^ (mixed >>> 29),
                commands + (entry.kind() == EntryKind.COMMAND ? 1 : 0));
    }
}
