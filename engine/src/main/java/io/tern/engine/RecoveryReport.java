package io.tern.engine;

import java.time.Duration;

/**
 * What opening a data directory did to bring the state up to the log.
 *
 * @param snapshotRestored the index of the snapshot the state was restored from, 0 if none was needed
 * @param entriesReplayed  committed log entries applied to the state on open
 * @param tornTailsCut     1 if the log ended in a tail that a crash had torn, which was cut off
 * @param appliedIndex     the state's applied index after recovery
 * @param firstLogIndex    the first index the log holds
 * @param lastLogIndex     the last index the log holds
 * @param took             wall time of the whole open
 * @param logOpen          of which opening the log (they open at once)
 * @param stateOpen        and opening the state
 * @param replay           and replaying the log into the state
 */
public record RecoveryReport(long snapshotRestored, long entriesReplayed, long tornTailsCut, long appliedIndex,
                             long firstLogIndex, long lastLogIndex, Duration took, Duration logOpen,
                             Duration stateOpen, Duration replay) {

    @Override
    public String toString() {
        return "recovered in " + took.toMillis() + " ms (the log opened in " + logOpen.toMillis()
                + " ms while the state did in " + stateOpen.toMillis() + " ms, then replay took " + replay.toMillis()
                + " ms): " + entriesReplayed + " entries replayed"
                + (snapshotRestored > 0 ? ", state restored from the snapshot at " + snapshotRestored : "")
                + (tornTailsCut > 0 ? ", a tail torn by a crash cut off" : "")
                + "; applied index " + appliedIndex + ", log " + firstLogIndex + ".." + lastLogIndex;
    }
}
