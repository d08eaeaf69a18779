package io.tern.verify.checker;

import io.tern.verify.history.Operation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds a small set of operations that is not linearizable, cut from a partition, so that a person
 * can see the anomaly; and since the cut is sound, such a set also proves the partition is not
 * linearizable when the full search ran out of budget before it could tell.
 *
 * <p>A set of operations proves something only if removing operations could not have created its
 * failure. Removing a GET or a mismatched CAS only removes a constraint. Removing a write is safe
 * only while no remaining operation observed it ({@link Footprint}), or while a remaining write
 * with a known outcome certainly came between it and each observer; an observer that is a CAS or
 * a DELETE may first be weakened to its bare write ({@link Weakening}). Every move keeps "the
 * original history is linearizable implies the shrunk set is", so a shrunk set that fails shows a
 * real anomaly. A GET of a value whose only write was dropped could fail without any anomaly;
 * these rules never produce one.
 *
 * <p>Finding: a full search of a long history that is not linearizable must exhaust every
 * configuration before the anomaly, which can be far beyond any budget. Anomalies are local, so
 * first try windows of growing size around the operation the search was stuck at, of the
 * operations on its keys, then of all: each window is cut out by the sound moves above (the writes
 * its reads saw come along), and checked alone. When none fails there, a partition known to fail
 * is shrunk whole, and one whose full search ran out of budget is swept window by window.
 *
 * <p>Shrinking is delta debugging in miniature: drop every operation invoked after the one the
 * search was stuck at (the search never looked at them), then halves, quarters, and so on of the
 * operations farthest in time from it, down to one at a time. The result is minimal (dropping any
 * one operation would make it linearizable or unsound) unless the time budget ran out first.
 */
final class WitnessShrinker<S> {

    /** The shrunk set, in the forms the proof uses, and whether it is one-at-a-time minimal. */
    record Shrunk(List<HistoryEntry> entries, boolean minimal) {
    }

    private static final int FIRST_WINDOW = 16;
    private static final int LAST_WINDOW = 1024;
    private static final int SWEEP_WINDOW = 64;
    private static final long STATES_PER_WINDOW_OPERATION = 1000;

    private final Model<S> model;
    private final SearchBudget budget;
    private List<HistoryEntry> current;

    private WitnessShrinker(List<HistoryEntry> failing, Model<S> model, SearchBudget budget) {
        this.current = failing;
        this.model = model;
        this.budget = budget;
    }

    /**
     * @param partition the operations of one partition
     * @param blockedId the operation the search could not get past, or -1
     * @param knownToFail whether the full search proved the partition not linearizable
     * @param budget the deadline for all attempts, and the state bound of each attempt's search
     * @return a failing set, or empty when none was found (only possible if not known to fail)
     */
    static <S> Optional<Shrunk> findAndShrink(List<HistoryEntry> partition, Model<S> model, int blockedId,
                                              boolean knownToFail, SearchBudget budget) {
        if (partition.isEmpty()) {
            return Optional.empty();
        }
        WitnessShrinker<S> shrinker = new WitnessShrinker<>(partition, model, budget);
        Operation blocked = partition.stream().filter(entry -> entry.id() == blockedId).findFirst()
                .map(HistoryEntry::operation)
                .orElse(partition.getLast().operation());
        boolean found = shrinker.tryWindowsAround(blocked) || knownToFail || shrinker.sweepWindows();
        return found ? Optional.of(shrinker.shrink(blocked)) : Optional.empty();
    }

    /**
     * Windows of growing size ending just after {@code blocked} completed (or was invoked, if it
     * never did): first of the operations on its keys only, which are cheap to search and hold
     * most anomalies, then of all operations, for anomalies across keys.
     */
    private boolean tryWindowsAround(Operation blocked) {
        long end = blocked.isUnknown() ? blocked.invokeNanos() : blocked.completeNanos();
        for (List<HistoryEntry> operations : List.of(onKeysOf(blocked), inTimeOrder(current))) {
            int last = -1;
            while (last + 1 < operations.size() && operations.get(last + 1).operation().invokeNanos() <= end) {
                last++;
            }
            for (int size = FIRST_WINDOW; size <= LAST_WINDOW && size < 4 * operations.size() && !budget.pastDeadline(); size *= 4) {
                if (tryWindow(operations, Math.max(0, last + 1 - size), last + 1)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Overlapping windows from the start of the history to its end: key by key, then of everything. */
    private boolean sweepWindows() {
        List<List<HistoryEntry>> sweeps = new ArrayList<>();
        current.stream().flatMap(entry -> entry.operation().call().keys().stream()).distinct().sorted()
                .forEach(key -> sweeps.add(inTimeOrder(current.stream()
                        .filter(entry -> entry.operation().call().keys().contains(key)).toList())));
        sweeps.add(inTimeOrder(current));
        for (List<HistoryEntry> operations : sweeps) {
            for (int from = 0; from < operations.size() && !budget.pastDeadline(); from += SWEEP_WINDOW / 2) {
                if (tryWindow(operations, from, Math.min(operations.size(), from + SWEEP_WINDOW))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The operations that share a key with {@code blocked}, in invocation order. */
    private List<HistoryEntry> onKeysOf(Operation blocked) {
        List<String> keys = blocked.call().keys();
        return inTimeOrder(current.stream()
                .filter(entry -> entry.operation().call().keys().stream().anyMatch(keys::contains))
                .toList());
    }

    /** Keeps only {@code window[from, to)} (and what they observed), if that fails alone. */
    private boolean tryWindow(List<HistoryEntry> window, int from, int to) {
        Set<Integer> inside = new HashSet<>();
        for (HistoryEntry entry : window.subList(from, to)) {
            inside.add(entry.id());
        }
        Set<Integer> outside = new HashSet<>();
        for (HistoryEntry entry : current) {
            if (!inside.contains(entry.id())) {
                outside.add(entry.id());
            }
        }
        // A failing window fails fast; one that passes could eat the budget a sweep needs.
        return tryDrop(outside, Math.min(budget.maxStates(), STATES_PER_WINDOW_OPERATION * (to - from)));
    }

    private Shrunk shrink(Operation blocked) {
        Set<Integer> neverReached = new HashSet<>();
        for (HistoryEntry entry : current) {
            if (entry.operation().invokeNanos() > blocked.completeNanos()) {
                neverReached.add(entry.id());
            }
        }
        tryDrop(neverReached);

        int chunk = Math.max(1, current.size() / 2);
        while (!budget.pastDeadline()) {
            List<HistoryEntry> farthestFirst = new ArrayList<>(current);
            farthestFirst.sort(Comparator.comparingLong((HistoryEntry entry) -> distance(entry.operation(), blocked)).reversed());
            boolean progress = false;
            for (int from = 0; from < farthestFirst.size() && !budget.pastDeadline(); from += chunk) {
                Set<Integer> ids = new HashSet<>();
                for (HistoryEntry entry : farthestFirst.subList(from, Math.min(from + chunk, farthestFirst.size()))) {
                    ids.add(entry.id());
                }
                progress |= tryDrop(ids);
            }
            if (budget.pastDeadline()) {
                break;
            }
            if (!progress && chunk == 1) {
                return new Shrunk(inTimeOrder(current), true);
            }
            chunk = progress ? Math.max(1, Math.min(chunk, current.size() / 2)) : chunk / 2;
        }
        return new Shrunk(inTimeOrder(current), false);
    }

    /**
     * Drops what it soundly can of {@code ids}, weakens the kept observers of what goes, and keeps
     * the result if it still fails.
     *
     * <p>Which writes must stay is decided newest first: one kept for an observer then separates
     * every older write from that observer. Read as a sequence of sound moves: first weaken (the
     * kept observers, and everything about to go), then drop the pure observers, then drop the
     * writes oldest first; every write kept as a separator is still there when it is needed.
     */
    private boolean tryDrop(Set<Integer> ids) {
        return tryDrop(ids, budget.maxStates());
    }

    private boolean tryDrop(Set<Integer> ids, long maxStates) {
        List<HistoryEntry> kept = new ArrayList<>();
        List<HistoryEntry> candidates = new ArrayList<>();
        for (HistoryEntry entry : current) {
            (ids.contains(entry.id()) ? candidates : kept).add(entry);
        }
        candidates.sort(Comparator.comparingLong((HistoryEntry entry) -> entry.operation().completeNanos())
                .thenComparingInt(HistoryEntry::id).reversed());
        Shields shields = new Shields(kept);
        Map<String, List<HistoryEntry>> unweakenableObservers = observersByKey(kept, true);
        List<HistoryEntry> dropped = new ArrayList<>();
        for (HistoryEntry write : candidates) {
            if (isObservedBy(write, unweakenableObservers, shields)) {
                kept.add(write);
                shields.add(write.operation());
            } else {
                dropped.add(write);
            }
        }
        if (dropped.isEmpty()) {
            return false;
        }
        Map<String, List<HistoryEntry>> observers = observersByKey(kept, false);
        Set<Integer> toWeaken = new HashSet<>();
        for (HistoryEntry write : dropped) {
            for (Fact fact : Footprint.written(write.operation())) {
                for (HistoryEntry observer : observers.getOrDefault(fact.key(), List.of())) {
                    if (observes(observer.operation(), write.operation(), shields)) {
                        toWeaken.add(observer.id());
                    }
                }
            }
        }
        List<HistoryEntry> candidate = new ArrayList<>(kept.size());
        for (HistoryEntry entry : kept) {
            candidate.add(toWeaken.contains(entry.id())
                    ? new HistoryEntry(entry.id(), Weakening.withoutObservations(entry.operation()).orElseThrow())
                    : entry);
        }
        candidate.sort(Comparator.comparingInt(HistoryEntry::id));
        SearchResult result = LinearizationSearch.run(candidate, model, new SearchBudget(budget.deadlineNanos(), maxStates));
        if (result.result() != Linearizability.NOT_LINEARIZABLE) {
            return false;
        }
        current = candidate;
        return true;
    }

    /** Kept operations that observe something, by key; only those that cannot be weakened if asked. */
    private static Map<String, List<HistoryEntry>> observersByKey(List<HistoryEntry> kept, boolean onlyUnweakenable) {
        Map<String, List<HistoryEntry>> byKey = new HashMap<>();
        for (HistoryEntry entry : kept) {
            Optional<Operation> weakened = Weakening.withoutObservations(entry.operation());
            if (onlyUnweakenable && weakened.isPresent()) {
                continue;
            }
            for (Fact fact : Footprint.observed(entry.operation())) {
                byKey.computeIfAbsent(fact.key(), key -> new ArrayList<>()).add(entry);
            }
        }
        return byKey;
    }

    private static boolean isObservedBy(HistoryEntry write, Map<String, List<HistoryEntry>> observersByKey, Shields shields) {
        for (Fact fact : Footprint.written(write.operation())) {
            for (HistoryEntry observer : observersByKey.getOrDefault(fact.key(), List.of())) {
                if (observes(observer.operation(), write.operation(), shields)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether {@code observer} may have seen what {@code writer} wrote. An "absent" or "present"
     * observation is not charged to a writer that a kept write certainly came between: in every
     * valid order that write separates them. (Otherwise one read of "absent" would keep every
     * delete of its key.) A read of a value keeps its writer regardless, so a window stays readable.
     */
    private static boolean observes(Operation observer, Operation writer, Shields shields) {
        List<Fact> writes = Footprint.written(writer);
        for (Fact seen : Footprint.observed(observer)) {
            for (Fact write : writes) {
                if (seen.isExplainedBy(write)
                        && !((seen.anyValue() || seen.value() == null) && shields.separate(write.key(), writer, observer))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The kept writes with a known outcome, by key, to tell whether one certainly came between two operations. */
    private static final class Shields {
        private final Map<String, List<Operation>> byKey = new HashMap<>();

        Shields(List<HistoryEntry> kept) {
            kept.forEach(entry -> add(entry.operation()));
        }

        void add(Operation write) {
            if (!write.isUnknown()) {
                for (Fact fact : Footprint.written(write)) {
                    byKey.computeIfAbsent(fact.key(), key -> new ArrayList<>()).add(write);
                }
            }
        }

        /** Whether some kept write of {@code key} began after {@code first} completed and completed before {@code second} began. */
        boolean separate(String key, Operation first, Operation second) {
            if (first.isUnknown()) {
                return false;
            }
            for (Operation write : byKey.getOrDefault(key, List.of())) {
                if (write.invokeNanos() > first.completeNanos() && write.completeNanos() < second.invokeNanos()) {
                    return true;
                }
            }
            return false;
        }
    }

    /** How far apart in time two operations' intervals are; 0 when they overlap. */
    private static long distance(Operation operation, Operation blocked) {
        if (operation.invokeNanos() > blocked.completeNanos()) {
            return operation.invokeNanos() - blocked.completeNanos();
        }
        if (operation.completeNanos() < blocked.invokeNanos()) {
            return blocked.invokeNanos() - operation.completeNanos();
        }
        return 0;
    }

    private static List<HistoryEntry> inTimeOrder(List<HistoryEntry> entries) {
        List<HistoryEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong((HistoryEntry entry) -> entry.operation().invokeNanos())
                .thenComparingInt(HistoryEntry::id));
        return List.copyOf(sorted);
    }
}
