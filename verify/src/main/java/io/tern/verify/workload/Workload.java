package io.tern.verify.workload;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a torture run exercises ({@code --workloads}). {@link #KV} is the linearizability workload of
 * GETs, PUTs, DELETEs, CASes and BATCHes; {@link #TXN} adds transactions to it; {@link #WATCH} watches
 * its keys throughout the run; {@link #LEASE} grants, renews and lets leases expire beside it;
 * {@link #LOCK} runs contenders for the client's mutex recipe that write under its fence.
 */
public enum Workload {
    KV, TXN, WATCH, LEASE, LOCK;

    /** Its {@code --workloads} name. */
    public String flagName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a comma-separated list such as {@code kv,txn,watch,lease}.
     *
     * @throws IllegalArgumentException with a one-line reason: an unknown name, an empty list, or a
     *     workload that needs {@code kv} without it (txns are drawn by the kv clients, and the watches
     *     are judged against the kv clients' writes)
     */
    public static Set<Workload> parseList(String text) {
        Set<Workload> chosen = EnumSet.noneOf(Workload.class);
        for (String name : text.split(",")) {
            String trimmed = name.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            try {
                chosen.add(valueOf(trimmed.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown workload '" + trimmed + "'; known: kv, txn, watch, lease, lock");
            }
        }
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("--workloads names none; known: kv, txn, watch, lease, lock");
        }
        for (Workload needsKv : EnumSet.of(TXN, WATCH)) {
            if (chosen.contains(needsKv) && !chosen.contains(KV)) {
                throw new IllegalArgumentException("the " + needsKv.flagName() + " workload needs kv: "
                        + (needsKv == TXN ? "txns are drawn by the kv clients" : "watches are judged against the kv clients' writes"));
            }
        }
        return chosen;
    }
}
