package io.tern.raft.nodesim;

/** A known bug the simulated storage can be told to have, to show that the simulation catches it. */
enum PlantedBug {
    NONE,
    /**
     * The old race between the applier and a snapshot install: entries the installed snapshot
     * already covers are applied again on top of it.
     */
    APPLY_OVER_INSTALLED_SNAPSHOT,
    /**
     * The log's sync returns without forcing anything to disk, so a member acknowledges entries a
     * crash can take away.
     */
    SYNC_DOES_NOT_FORCE
}
