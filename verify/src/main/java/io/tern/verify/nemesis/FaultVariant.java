package io.tern.verify.nemesis;

/**
 * A form a {@link Fault} takes: how it picks its targets ({@link Targets}), and which way it does its
 * work where a fault has several. A variant needs process control (kill, pause, start a node) or
 * network control (the proxies) when it says so; only variants the cluster supports are scheduled.
 */
public enum FaultVariant {
    /** One node drawn at random among the members. */
    RANDOM_NODE("a random node", false, false, false),
    /** The leader (a random node when none is known). */
    LEADER("the leader", false, false, false),
    /** A majority of the members (n/2+1), drawn at random. */
    MAJORITY("a random majority", false, false, false),
    /** A minority of the members ((n-1)/2, at least one), drawn at random. */
    MINORITY("a random minority", false, true, false),
    /** Every member. */
    ALL_NODES("every node", false, true, false),
    /** A random node stops hearing anything: its proxy drops every byte toward it. */
    DEAF_RANDOM("a random node hears nothing", false, true, false),
    /** The leader stops hearing anything. */
    DEAF_LEADER("the leader hears nothing", false, true, false),
    /** Whatever a random node answers on connections made to it is lost (clients, snapshot acks). */
    MUTE_RANDOM("a random node's answers are lost", false, true, false),
    /** Whatever the leader answers on connections made to it is lost. */
    MUTE_LEADER("the leader's answers are lost", false, true, false),
    /** A random follower leaves the configuration, and comes back with its data at the heal. */
    REMOVE_AND_READD("remove a follower, add it back", false, false, true),
    /** A new node joins (learner, then voter), and leaves again at the heal. */
    ADD_AND_REMOVE("add a new node, remove it", true, false, true),
    /** A random follower (the leader when it is alone). */
    RANDOM_FOLLOWER("a random follower", false, false, true),
    /**
     * A follower is cut off, the leader compacts its log past it, and at the heal the follower
     * must catch up by InstallSnapshot.
     */
    LAGGING_FOLLOWER("compact past a cut-off follower", false, true, true),
    /** The leader and a random follower snapshot and compact now, under load. */
    SNAPSHOT_NOW("snapshot the leader and a follower", false, false, true),
    /** A random node's disk is filled past its reserve: its NOSPACE alarm refuses writes cluster-wide. */
    DISK_LOW("a random node's disk below its reserve", true, false, false),
    /** A random node's disk is filled completely: it exits, and is restarted at the heal. */
    DISK_FILLED("a random node's disk full", true, false, false);

    private final String description;
    private final boolean needsProcesses;
    private final boolean needsNetwork;
    private final boolean needsLeader;

    FaultVariant(String description, boolean needsProcesses, boolean needsNetwork, boolean needsLeader) {
        this.description = description;
        this.needsProcesses = needsProcesses;
        this.needsNetwork = needsNetwork;
        this.needsLeader = needsLeader;
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

    /** Whether its targets are chosen relative to a leader that must be awaited first (followers, say). */
    public boolean needsLeader() {
        return needsLeader;
    }

    /** Whether it makes its own node rather than hitting members. */
    public boolean makesItsOwnNode() {
        return this == ADD_AND_REMOVE;
    }
}
