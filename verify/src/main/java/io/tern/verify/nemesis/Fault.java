package io.tern.verify.nemesis;

import java.util.List;

/**
 * One fault a {@link Nemesis} can inject, named on the command line ({@code --faults kill,pause}):
 * it says which forms it takes and which clusters it applies to, and {@link #inject} does it and
 * hands back what undoes it. Every fault there is sits in {@link Faults}.
 */
public interface Fault {

    /** The name on the command line. */
    String name();

    /** What it does, in one line, for {@code --help}. */
    String description();

    /** Every form this fault can take, in the order a {@link FaultSchedule} draws from. */
    List<FaultVariant> forms();

    /** Whether every form of this fault needs control of the nodes' processes. */
    boolean needsProcesses();

    /** Whether every form of this fault needs the proxies in front of the nodes. */
    boolean needsNetwork();

    /**
     * Does the fault now, in form {@code step.variant()}, to the nodes in {@code on}.
     *
     * @return the targets, what was done in words, and what undoes it
     * @throws RuntimeException if it could not be done (the nemesis repairs what it can and records the error)
     */
    Injection inject(FaultStep step, FaultContext on);

    /** The forms that a cluster with (or without) process and network control can take. */
    default List<FaultVariant> forms(boolean processes, boolean network) {
        if (!appliesTo(processes, network)) {
            return List.of();
        }
        return forms().stream().filter(v -> (processes || !v.needsProcesses()) && (network || !v.needsNetwork()))
                .toList();
    }

    /** Whether a cluster with (or without) process and network control can have this fault in some form. */
    default boolean appliesTo(boolean processes, boolean network) {
        if ((needsProcesses() && !processes) || (needsNetwork() && !network)) {
            return false;
        }
        return forms().stream().anyMatch(v -> (processes || !v.needsProcesses()) && (network || !v.needsNetwork()));
    }

    /** What undoes an injected fault; returns a few words on what it saw. */
    @FunctionalInterface
    interface Heal {
        String heal();

        /** A heal with nothing to undo. */
        static Heal nothing() {
            return () -> "";
        }
    }

    /**
     * What an injection did.
     *
     * @param targets the nodes it hit (for an added node, that node)
     * @param details what was done and seen, in words
     */
    record Injection(List<Integer> targets, String details, Heal heal) {

        public Injection {
            targets = List.copyOf(targets);
        }
    }
}
