package io.tern.verify.checker;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Drops operations with an unknown outcome that no other operation could have observed: an unknown
 * GET, and an unknown write none of whose writes any operation observed.
 *
 * <p>Why this is safe: such an operation may have never happened, so the history without it is
 * linearizable exactly when the history with it is ({@link Footprint} says why removing an
 * unobserved write cannot break an order). Why it matters: an unknown operation stays open
 * forever, so every one of them doubles the orders the search could try from its invocation on;
 * most timed-out writes are never read, and those cost nothing once dropped.
 */
final class UnknownWriteFilter {

    private UnknownWriteFilter() {
    }

    static List<HistoryEntry> withoutUnobservedUnknowns(List<HistoryEntry> entries) {
        List<HistoryEntry> remaining = entries;
        while (true) {
            Observations observations = new Observations(remaining);
            List<HistoryEntry> kept = new ArrayList<>(remaining.size());
            for (HistoryEntry entry : remaining) {
                if (!entry.operation().isUnknown() || observations.seeAny(Footprint.written(entry.operation()))) {
                    kept.add(entry);
                }
            }
            // Dropping an unknown CAS removes what it observed, which may free another write.
            if (kept.size() == remaining.size()) {
                return kept;
            }
            remaining = kept;
        }
    }

    /** Every fact some operation observed, indexed for "does anyone see this write?". */
    private static final class Observations {
        private final Set<Fact> exact = new HashSet<>();
        private final Set<String> keysSeenPresent = new HashSet<>();

        Observations(List<HistoryEntry> entries) {
            for (HistoryEntry entry : entries) {
                for (Fact seen : Footprint.observed(entry.operation())) {
                    if (seen.anyValue()) {
                        keysSeenPresent.add(seen.key());
                    } else {
                        exact.add(seen);
                    }
                }
            }
        }

        boolean seeAny(List<Fact> writes) {
            for (Fact write : writes) {
                if (exact.contains(write) || write.value() != null && keysSeenPresent.contains(write.key())) {
                    return true;
                }
            }
            return false;
        }
    }
}
