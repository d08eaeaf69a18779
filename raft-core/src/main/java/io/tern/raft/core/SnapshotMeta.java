package io.tern.raft.core;

import io.tern.raft.types.Membership;
import java.util.Objects;

/**
 * Describes a snapshot: the last log entry it covers and the configuration in force at that entry.
 *
 * <p>The pair {@code (index, term)} is also the snapshot's reference: by state-machine safety, every
 * snapshot taken at the same index and term holds the same state, so a driver can name the bytes it
 * streams by this pair alone. A freshly bootstrapped node has the snapshot {@code (0, 0, initial
 * membership)}: that is how the initial configuration enters the core.
 */
public record SnapshotMeta(long index, long term, Membership membership) {

    public SnapshotMeta {
        if (index < 0 || term < 0) {
            throw new IllegalArgumentException("snapshot index and term must not be negative: " + index + "/" + term);
        }
        if (index == 0 && term != 0) {
            throw new IllegalArgumentException("the bootstrap snapshot at index 0 must have term 0");
        }
        Objects.requireNonNull(membership, "membership");
    }

    /** The snapshot a new node starts from: nothing applied, the given initial configuration. */
    public static SnapshotMeta bootstrap(Membership membership) {
        return new SnapshotMeta(0, 0, membership);
    }
}
