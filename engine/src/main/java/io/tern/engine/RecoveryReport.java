package io.tern.engine;

import java.time.Duration;

/**
 * What opening a data directory did to bring the state up to the log.
 *
 * @param snapshotRestored the index of the snapshot the state was restored from, 0 if none was needed
 * @param entriesReplayed  committed log entries applied to the state on open
 * @param tornRecords      records at the log's tail that a crash had torn and that were dropped
 * @param appliedIndex     the state's applied index after recovery
 * @param firstLogIndex    the first index the log holds
 * @param lastLogIndex     the last index the log holds
 * @param took             wall time of the whole open
 */
public record RecoveryReport(long snapshotRestored, long entriesReplayed, long tornRecords, long appliedIndex,
                             long firstLogIndex, long lastLogIndex, Duration took) {

    @Override
    public String toString() {
        return "recovered in " + took.toMillis() + " ms: " + entriesReplayed + " entries replayed"
                + (snapshotRestored > 0 ? ", state restored from the snapshot at " + snapshotRestored : "")
                + (tornRecords > 0 ? ", " + tornRecords + " torn record(s) dropped" : "")
                + "; applied index " + appliedIndex + ", log " + firstLogIndex + ".." + lastLogIndex;
    }
}
