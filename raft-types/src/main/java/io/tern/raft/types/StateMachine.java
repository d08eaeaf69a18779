package io.tern.raft.types;

import java.util.List;
import java.util.Optional;

/**
 * The state Raft's committed entries are applied to, and its snapshots. The driver applies from
 * one thread and installs received snapshots from another: an implementation must skip, under the
 * same lock an install takes, the entries a snapshot installed meanwhile covers.
 */
public interface StateMachine {

    /**
     * Applies consecutive committed entries, skipping those at or below {@link #appliedIndex()}.
     * Returns one result per entry applied (they belong to the last {@code size()} entries given);
     * the results are opaque to Raft, which hands them to whoever proposed the entry. Records them as
     * committed in the log only if {@code markCommitted}.
     */
    List<?> apply(List<LogEntry> committed, boolean markCommitted);

    long appliedIndex();

    /** Records in the log that everything applied so far is committed, so recovery may replay it. */
    void markAppliedCommitted();

    /**
     * Snapshots the applied state (or returns the newest snapshot if it is already that far). Called
     * from a thread of its own, concurrently with {@link #apply}: applying should wait only while the
     * state is captured, not while the snapshot is written out.
     */
    StoredSnapshot createSnapshot();

    /**
     * Does ahead of a {@link #createSnapshot()} what may run while entries are applied (writing the
     * applied state's memory to disk), so that the snapshot's capture, which holds applying up, has
     * little left to do. Called from the same thread as {@link #createSnapshot()}, concurrently with
     * {@link #apply}.
     */
    default void prepareSnapshot() {
    }

    /** The newest snapshot this member took or installed, never one only received. */
    Optional<? extends StoredSnapshot> latestSnapshot();

    /**
     * Frees the log below the newest snapshot, as far as the applied state is durable, but keeps
     * every entry from {@code keepFrom} on (entries another member still needs); returns the log's
     * first index after it.
     */
    long compactLog(long keepFrom);

    /** Streams {@code snapshot} (one of {@link #latestSnapshot()}) out in chunks of at most {@code maxChunkBytes}. */
    SnapshotSource openSnapshotReader(StoredSnapshot snapshot, int maxChunkBytes);

    /** Starts receiving a snapshot from a leader. */
    SnapshotSink beginSnapshotInstall();

    /**
     * Makes a received snapshot the state and this member's newest snapshot, and resets the log
     * unless it continues the snapshot; false (and the received one is deleted) if the state is
     * already at or past it.
     */
    boolean installSnapshot(StoredSnapshot received);

    /** Deletes a received snapshot that will not be installed. */
    void discardReceivedSnapshot(StoredSnapshot received);
}
