package io.tern.verify.nemesis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every {@link Fault} there is, in one list whose order is the order a {@link FaultSchedule} draws
 * from (so it is part of what a seed means: append new faults at the end), and the parsing of
 * {@code --faults}.
 */
public final class Faults {

    public static final Fault KILL = new KillFault("kill", "SIGKILL a random node; restart it at the heal",
            FaultVariant.RANDOM_NODE);
    public static final Fault KILL_LEADER = new KillFault("kill-leader", "SIGKILL the leader; restart it at the heal",
            FaultVariant.LEADER);
    public static final Fault KILL_MAJORITY = new KillFault("kill-majority",
            "SIGKILL a majority at once; restart them at the heal", FaultVariant.MAJORITY);
    public static final Fault PAUSE = new PauseFault();
    public static final Fault PARTITION = new PartitionFault();
    public static final Fault ONE_WAY = new OneWayFault();
    public static final Fault SLOW = new SlowFault();
    public static final Fault MEMBERSHIP = new MembershipFault();
    public static final Fault TRANSFER = new TransferFault();
    public static final Fault SNAPSHOT = new SnapshotFault();
    public static final Fault OVERSIZE = new OversizeFault();
    public static final Fault DISK_FULL = new DiskFullFault();

    /** Every fault, in schedule order. */
    public static final List<Fault> ALL = List.of(KILL, KILL_LEADER, KILL_MAJORITY, PAUSE, PARTITION, ONE_WAY, SLOW,
            MEMBERSHIP, TRANSFER, SNAPSHOT, OVERSIZE, DISK_FULL);

    /** An older name that {@code --faults} still takes. */
    private static final String KILL_ALIAS = "kill-random";

    private Faults() {
    }

    /** {@code faults} in schedule order, whatever order they came in; repeats dropped. */
    public static List<Fault> inScheduleOrder(Collection<Fault> faults) {
        for (Fault fault : faults) {
            if (!ALL.contains(fault)) {
                throw new IllegalArgumentException("fault '" + fault.name() + "' is not in the registry");
            }
        }
        return ALL.stream().filter(faults::contains).toList();
    }

    /**
     * Parses a comma-separated list of names (with - or _, in any case), or {@code all}; repeats are
     * ignored, blanks skipped.
     *
     * @return the faults, in schedule order
     * @throws IllegalArgumentException with a one-line message naming the unknown entry and the known names
     */
    public static Set<Fault> parseList(String text) {
        Set<Fault> faults = new LinkedHashSet<>();
        for (String entry : text.split(",")) {
            String name = entry.trim();
            if (name.isEmpty()) {
                continue;
            }
            if (name.equalsIgnoreCase("all")) {
                faults.addAll(ALL);
                continue;
            }
            faults.add(parse(name));
        }
        return new LinkedHashSet<>(inScheduleOrder(faults));
    }

    /** One name, as {@link #parseList} reads it. */
    public static Fault parse(String name) {
        String normalized = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        if (normalized.equals(KILL_ALIAS)) {
            return KILL;
        }
        for (Fault fault : ALL) {
            if (fault.name().equals(normalized)) {
                return fault;
            }
        }
        throw new IllegalArgumentException("unknown fault '" + name.trim() + "'; known: " + names() + ", or all");
    }

    /** Every name, comma-separated, for help and error messages. */
    public static String names() {
        return ALL.stream().map(Fault::name).collect(Collectors.joining(", "));
    }

    /** One line per fault: its name and what it does, for {@code --help}. */
    public static List<String> help() {
        List<String> lines = new ArrayList<>();
        for (Fault fault : ALL) {
            lines.add(fault.name() + ": " + fault.description());
        }
        return lines;
    }
}
