package io.tern.verify.nemesis;

/**
 * How a fault picks its targets, or which form of a fault it takes. A variant needs process
 * control (kill, pause, start a node) or network control (the proxies) when it says so; only
 * variants the cluster supports are scheduled.
 */
public enum FaultVariant {
    /** One node drawn at random among the members. */
    RANDOM_NODE("a random node", false, false),
    /** The leader (a random node when none is known). */
    LEADER("the leader", false, false),
    /** A majority of the members (n/2+1), drawn at random. */
    MAJORITY("a random majority", false, false),
    /** A minority of the members ((n-1)/2, at least one), drawn at random. */
    MINORITY("a random minority", false, true),
    /** Every member. */
    ALL_NODES("every node", false, true),
    /** A random node stops hearing anything: its proxy drops every byte toward it. */
    DEAF_RANDOM("a random node hears nothing", false, true),
    /** The leader stops hearing anything. */
    DEAF_LEADER("the leader hears nothing", false, true),
    /** Whatever a random node answers on connections made to it is lost (clients, snapshot acks). */
    MUTE_RANDOM("a random node's answers are lost", false, true),
    /** Whatever the leader answers on connections made to it is lost. */
    MUTE_LEADER("the leader's answers are lost", false, true),
    /** A random follower leaves the configuration, and comes back with its data at the heal. */
    REMOVE_AND_READD("remove a follower, add it back", false, false),
    /** A new node joins (learner, then voter), and leaves again at the heal. */
    ADD_AND_REMOVE("add a new node, remove it", true, false),
    /** A random follower (the leader when it is alone). */
    RANDOM_FOLLOWER("a random follower", false, false),
    /**
     * A follower is cut off, the leader compacts its log past it, and at the heal the follower
     * must catch up by InstallSnapshot.
     */
    LAGGING_FOLLOWER("compact past a cut-off follower", false, true),
    /** The leader and a random follower snapshot and compact now, under load. */
    SNAPSHOT_NOW("snapshot the leader and a follower", false, false),
    /** A random node's disk is filled past its reserve: its NOSPACE alarm refuses writes cluster-wide. */
    DISK_LOW("a random node's disk below its reserve", true, false),
    /** A random node's disk is filled completely: it exits, and is restarted at the heal. */
    DISK_FILLED("a random node's disk full", true, false);

    private final String description;
    private final boolean needsProcesses;
    private final boolean needsNetwork;

    FaultVariant(String description, boolean needsProcesses, boolean needsNetwork) {
        this.description = description;
        this.needsProcesses = needsProcesses;
        this.needsNetwork = needsNetwork;
    }

    public String description() {
        return description;
    }

    /** Whether this variant itself needs process control, whatever its kind needs. */
    public boolean needsProcesses() {
        return needsProcesses;
    }

    /** Whether this variant itself needs the proxies, whatever its kind needs. */
    public boolean needsNetwork() {
        return needsNetwork;
    }
}
