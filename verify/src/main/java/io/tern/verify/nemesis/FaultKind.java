package io.tern.verify.nemesis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import static io.tern.verify.nemesis.FaultVariant.ADD_AND_REMOVE;
import static io.tern.verify.nemesis.FaultVariant.ALL_NODES;
import static io.tern.verify.nemesis.FaultVariant.DEAF_LEADER;
import static io.tern.verify.nemesis.FaultVariant.DEAF_RANDOM;
import static io.tern.verify.nemesis.FaultVariant.DISK_FILLED;
import static io.tern.verify.nemesis.FaultVariant.DISK_LOW;
import static io.tern.verify.nemesis.FaultVariant.LAGGING_FOLLOWER;
import static io.tern.verify.nemesis.FaultVariant.LEADER;
import static io.tern.verify.nemesis.FaultVariant.MAJORITY;
import static io.tern.verify.nemesis.FaultVariant.MINORITY;
import static io.tern.verify.nemesis.FaultVariant.MUTE_LEADER;
import static io.tern.verify.nemesis.FaultVariant.MUTE_RANDOM;
import static io.tern.verify.nemesis.FaultVariant.RANDOM_FOLLOWER;
import static io.tern.verify.nemesis.FaultVariant.RANDOM_NODE;
import static io.tern.verify.nemesis.FaultVariant.REMOVE_AND_READD;
import static io.tern.verify.nemesis.FaultVariant.SNAPSHOT_NOW;

/**
 * The faults a {@link Nemesis} can inject, each named on the command line ({@code --faults
 * kill,pause,partition}). Every fault is undone at its heal.
 */
public enum FaultKind {
    KILL_RANDOM("kill", "SIGKILL a random node; restart it at the heal", true, false, List.of(RANDOM_NODE)),
    KILL_LEADER("kill-leader", "SIGKILL the leader; restart it at the heal", true, false, List.of(LEADER)),
    KILL_MAJORITY("kill-majority", "SIGKILL a majority at once; restart them at the heal", true, false,
            List.of(MAJORITY)),
    PAUSE("pause", "SIGSTOP a random node or the leader; SIGCONT at the heal", true, false,
            List.of(RANDOM_NODE, LEADER)),
    PARTITION("partition", "cut a random node, the leader or a random minority off both ways through their proxies "
            + "(they hear nothing; what they send arrives but is never answered); heal and reset the connections "
            + "at the heal", false, true, List.of(RANDOM_NODE, LEADER, MINORITY)),
    ONE_WAY("one-way", "drop one direction of a random node's or the leader's proxy: the node hears nothing, or "
            + "its answers are lost; heal and reset the connections at the heal", false, true,
            List.of(DEAF_RANDOM, DEAF_LEADER, MUTE_RANDOM, MUTE_LEADER)),
    SLOW("slow", "latency 10-200 ms with jitter up to half of it, both ways, on every node, a random node or the "
            + "leader; cleared at the heal", false, true, List.of(ALL_NODES, RANDOM_NODE, LEADER)),
    MEMBERSHIP("membership", "remove a random follower and add it back at the heal, or add a new node and remove "
            + "it at the heal (new members join as learners and become voters once caught up)", false, false,
            List.of(REMOVE_AND_READD, ADD_AND_REMOVE)),
    TRANSFER("transfer", "transfer leadership to a random follower", false, false, List.of(RANDOM_FOLLOWER)),
    SNAPSHOT("snapshot", "cut a follower off, make the leader snapshot and compact past it, and at the heal await "
            + "its catch-up by InstallSnapshot; or snapshot the leader and a follower under load", false, false,
            List.of(LAGGING_FOLLOWER, SNAPSHOT_NOW)),
    OVERSIZE("oversize", "send a random node or the leader requests at and one byte over every size limit (a key of "
            + "16 KiB, a value of --max-value-bytes, a frame of 8 MiB + 64 KiB): those at a limit must be acknowledged "
            + "and read back on every node, those over it answered TOO_LARGE with nothing changed, and the cluster "
            + "must keep committing", false, false, List.of(RANDOM_NODE, LEADER)),
    DISK_FULL("disk-full", "fill a random node's data directory (each node's is a small disk of its own) past its "
            + "reserve, so its NOSPACE alarm refuses writes, or completely, so it exits; at the heal delete the "
            + "ballast and restart the node if it exited", true, false, List.of(DISK_LOW, DISK_FILLED));

    private final String cliName;
    private final String description;
    private final boolean needsProcesses;
    private final boolean needsNetwork;
    private final List<FaultVariant> variants;

    FaultKind(String cliName, String description, boolean needsProcesses, boolean needsNetwork,
              List<FaultVariant> variants) {
        this.cliName = cliName;
        this.description = description;
        this.needsProcesses = needsProcesses;
        this.needsNetwork = needsNetwork;
        this.variants = variants;
    }

    /** The name on the command line. */
    public String cliName() {
        return cliName;
    }

    public String description() {
        return description;
    }

    /** Whether every form of this fault needs control of the nodes' processes. */
    public boolean needsProcesses() {
        return needsProcesses;
    }

    /** Whether every form of this fault needs the proxies. */
    public boolean needsNetwork() {
        return needsNetwork;
    }

    /** Every form this fault can take. */
    public List<FaultVariant> variants() {
        return variants;
    }

    /** The forms that a cluster with (or without) process and network control can take. */
    public List<FaultVariant> variants(boolean processes, boolean network) {
        if ((needsProcesses && !processes) || (needsNetwork && !network)) {
            return List.of();
        }
        return variants.stream().filter(v -> (processes || !v.needsProcesses()) && (network || !v.needsNetwork()))
                .toList();
    }

    /** Whether a cluster with (or without) process and network control can have this fault. */
    public boolean supported(boolean processes, boolean network) {
        return !variants(processes, network).isEmpty();
    }

    /**
     * Parses a comma-separated list of names ({@link #cliName()}, or the constant's name in any case
     * with - or _), or {@code all}; repeats are ignored, blanks skipped.
     *
     * @throws IllegalArgumentException with a one-line message naming the unknown entry and the known names
     */
    public static Set<FaultKind> parseList(String text) {
        Set<FaultKind> kinds = EnumSet.noneOf(FaultKind.class);
        for (String entry : text.split(",")) {
            String name = entry.trim();
            if (name.isEmpty()) {
                continue;
            }
            if (name.equalsIgnoreCase("all")) {
                kinds.addAll(EnumSet.allOf(FaultKind.class));
                continue;
            }
            kinds.add(parse(name));
        }
        return kinds;
    }

    /** One name, as {@link #parseList} reads it. */
    public static FaultKind parse(String name) {
        String normalized = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (FaultKind kind : values()) {
            if (kind.cliName.equals(normalized) || kind.name().toLowerCase(Locale.ROOT).replace('_', '-')
                    .equals(normalized)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown fault '" + name.trim() + "'; known: " + names() + ", or all");
    }

    /** Every name, comma-separated, for help and error messages. */
    public static String names() {
        return Arrays.stream(values()).map(FaultKind::cliName).collect(Collectors.joining(", "));
    }

    /** One line per fault: its name and what it does, for {@code --help}. */
    public static List<String> help() {
        List<String> lines = new ArrayList<>();
        for (FaultKind kind : values()) {
            lines.add(kind.cliName + ": " + kind.description);
        }
        return lines;
    }
}
