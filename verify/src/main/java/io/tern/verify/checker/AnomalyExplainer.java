package io.tern.verify.checker;

import io.tern.verify.history.Call;
import io.tern.verify.history.Operation;
import io.tern.verify.history.Outcome;
import io.tern.verify.history.Values;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Says in one sentence why a set of operations cannot be linearized, when the reason is one of
 * the common shapes: a value nobody wrote, a value read before its write began, a value read after
 * it was certainly overwritten, a read older than one an earlier read already saw, a key found
 * absent after a write no delete can have followed. Otherwise it falls back to the general claim.
 * The sentence is only for people: the verdict comes from the search, never from here.
 */
final class AnomalyExplainer {

    private final List<Operation> recorded;
    private final OperationTable clock;
    private final Map<String, List<Integer>> writesOfKey = new HashMap<>();
    private final Map<Fact, List<Integer>> writersOfValue = new HashMap<>();
    // Operations of the window being explained: named first when several would do.
    private java.util.Set<Integer> inWitness = java.util.Set.of();

    AnomalyExplainer(List<Operation> recorded, OperationTable clock) {
        this.recorded = recorded;
        this.clock = clock;
        for (int id = 0; id < recorded.size(); id++) {
            for (Fact fact : Footprint.written(recorded.get(id))) {
                List<Integer> ofKey = writesOfKey.computeIfAbsent(fact.key(), key -> new ArrayList<>());
                if (ofKey.isEmpty() || ofKey.getLast() != id) {
                    ofKey.add(id);
                }
                List<Integer> ofValue = writersOfValue.computeIfAbsent(fact, value -> new ArrayList<>());
                if (ofValue.isEmpty() || ofValue.getLast() != id) {
                    ofValue.add(id);
                }
            }
        }
    }

    /** The reason for {@code witness}, looking first at the operation the search was stuck at. */
    String explain(List<HistoryEntry> witness, int blockedId) {
        inWitness = witness.stream().map(HistoryEntry::id).collect(java.util.stream.Collectors.toSet());
        List<HistoryEntry> byPriority = new ArrayList<>(witness);
        byPriority.sort(Comparator.comparing((HistoryEntry entry) -> entry.id() != blockedId)
                .thenComparingLong(entry -> entry.operation().invokeNanos()));
        for (HistoryEntry entry : byPriority) {
            Optional<String> reason = diagnose(entry.id());
            if (reason.isPresent()) {
                return reason.get() + "\n" + generalClaim(witness.size());
            }
        }
        return generalClaim(witness.size());
    }

    static String generalClaim(int operations) {
        if (operations == 1) {
            return "No state of the key explains this result.";
        }
        return "No order of these " + operations + " operations explains every result (each must take effect once"
                + " between its invocation and its completion; one with an unknown outcome at any time after its"
                + " invocation, or never).";
    }

    /** A specific reason why recorded operation {@code id} could not have seen what it saw. */
    Optional<String> diagnose(int id) {
        Operation observer = recorded.get(id);
        if (observer.isUnknown() || observer.isFailed()) {
            return Optional.empty();
        }
        Optional<Fact> seen = Footprint.observed(observer).stream().filter(fact -> !fact.anyValue()).findFirst();
        if (seen.isEmpty()) {
            return Optional.empty();
        }
        String key = seen.get().key();
        String value = seen.get().value();
        String subject = "#" + id + " " + observer.call().describe() + " (p" + observer.process() + ")";
        if (value == null) {
            return absentAfterWrite(subject, observer, key);
        }
        String saw = subject + " " + verb(observer) + " " + value;
        List<Integer> writers = writersOf(key, value);
        List<Integer> live = writers.stream().filter(writer -> !recorded.get(writer).isFailed()).toList();
        if (writers.isEmpty()) {
            return Optional.of(saw + ", a value that no operation wrote.");
        }
        if (live.isEmpty()) {
            return Optional.of(saw + ", which only " + names(writers) + " wrote, and it failed: certainly not applied.");
        }
        if (live.stream().allMatch(writer -> recorded.get(writer).invokeNanos() > observer.completeNanos())) {
            Operation first = recorded.get(live.getFirst());
            return Optional.of(saw + " before any write of it began: #" + live.getFirst() + " " + first.call().describe()
                    + " was invoked at " + clock.time(first.invokeNanos()) + ", after this completed at "
                    + clock.time(observer.completeNanos()) + ".");
        }
        if (live.size() != 1) {
            return Optional.empty();
        }
        int writer = live.getFirst();
        Optional<String> overwritten = overwrittenBefore(saw, observer, key, value, writer);
        return overwritten.isPresent() ? overwritten : newerAlreadySeen(saw, observer, key, writer);
    }

    /** A known write of another value that began after the writer completed and ended before the observer began. */
    private Optional<String> overwrittenBefore(String saw, Operation observer, String key, String value, int writerId) {
        Operation writer = recorded.get(writerId);
        if (writer.isUnknown()) {
            return Optional.empty();
        }
        List<Integer> candidates = new ArrayList<>(writesOfKey.getOrDefault(key, List.of()));
        candidates.sort(Comparator.comparing((Integer id) -> !inWitness.contains(id)));
        for (int id : candidates) {
            Operation other = recorded.get(id);
            if (other.outcome() instanceof Outcome.Ok && writesOtherValue(other, key, value)
                    && other.invokeNanos() > writer.completeNanos() && other.completeNanos() < observer.invokeNanos()) {
                return Optional.of(saw + ", but #" + id + " " + other.call().describe() + " overwrote it: it began at "
                        + clock.time(other.invokeNanos()) + ", after " + value + "'s write #" + writerId + " had completed ("
                        + clock.time(writer.completeNanos()) + "), and completed at " + clock.time(other.completeNanos())
                        + ", before this began (" + clock.time(observer.invokeNanos()) + ").");
            }
        }
        return Optional.empty();
    }

    /** An earlier, completed observation of a value whose only write began after this value's write completed. */
    private Optional<String> newerAlreadySeen(String saw, Operation observer, String key, int writerId) {
        Operation writer = recorded.get(writerId);
        if (writer.isUnknown()) {
            return Optional.empty();
        }
        for (int id = 0; id < recorded.size(); id++) {
            Operation earlier = recorded.get(id);
            if (earlier.isUnknown() || earlier.isFailed() || earlier.completeNanos() >= observer.invokeNanos()) {
                continue;
            }
            for (Fact fact : Footprint.observed(earlier)) {
                if (fact.anyValue() || fact.value() == null || !fact.key().equals(key)) {
                    continue;
                }
                List<Integer> newerWriters = writersOf(key, fact.value()).stream()
                        .filter(newer -> !recorded.get(newer).isFailed()).toList();
                if (newerWriters.size() == 1 && recorded.get(newerWriters.getFirst()).invokeNanos() > writer.completeNanos()) {
                    return Optional.of(saw + ", but #" + id + " " + earlier.call().describe() + " had already "
                            + verb(earlier) + " " + fact.value() + " (completed at " + clock.time(earlier.completeNanos())
                            + ", before this began at " + clock.time(observer.invokeNanos()) + "), and " + fact.value()
                            + "'s write #" + newerWriters.getFirst() + " began after this value's write #" + writerId
                            + " had completed.");
                }
            }
        }
        return Optional.empty();
    }

    /** A completed write of a value, after which no delete of the key can have taken effect before the observer ended. */
    private Optional<String> absentAfterWrite(String subject, Operation observer, String key) {
        List<Integer> writesOfThisKey = writesOfKey.getOrDefault(key, List.of());
        List<Operation> deleters = writesOfThisKey.stream().map(recorded::get)
                .filter(other -> !other.isFailed() && deletes(other, key)).toList();
        for (int id : writesOfThisKey) {
            Operation write = recorded.get(id);
            if (!(write.outcome() instanceof Outcome.Ok) || write.completeNanos() >= observer.invokeNanos()
                    || !writesPresentValue(write, key)) {
                continue;
            }
            boolean deletable = false;
            for (Operation other : deleters) {
                deletable |= other.invokeNanos() < observer.completeNanos() && other.completeNanos() > write.invokeNanos();
            }
            if (!deletable) {
                return Optional.of(subject + " " + verb(observer) + " " + Values.ABSENT + ", but #" + id + " "
                        + write.call().describe() + " had completed at " + clock.time(write.completeNanos())
                        + ", before this began (" + clock.time(observer.invokeNanos())
                        + "), and no delete of " + key + " can have taken effect after it.");
            }
        }
        return Optional.empty();
    }

    private List<Integer> writersOf(String key, String value) {
        return writersOfValue.getOrDefault(Fact.exactly(key, value), List.of());
    }

    private static boolean writesOtherValue(Operation operation, String key, String value) {
        return Footprint.written(operation).stream().anyMatch(fact -> fact.key().equals(key) && !Objects.equals(fact.value(), value));
    }

    private static boolean writesPresentValue(Operation operation, String key) {
        return Footprint.written(operation).stream().anyMatch(fact -> fact.key().equals(key) && fact.value() != null);
    }

    private static boolean deletes(Operation operation, String key) {
        return Footprint.written(operation).stream().anyMatch(fact -> fact.key().equals(key) && fact.value() == null);
    }

    private static String verb(Operation observer) {
        return switch (observer.call()) {
            case Call.Get get -> "read";
            case Call.Cas cas -> observer.outcome() instanceof Outcome.CasMismatch ? "found" : "succeeded expecting";
            case Call.Delete delete -> "found";
            case Call.Txn txn -> observer.outcome() instanceof Outcome.GuardsFailed ? "found" : "succeeded expecting";
            default -> "saw";
        };
    }

    private static String names(List<Integer> ids) {
        return String.join(", ", ids.stream().map(id -> "#" + id).toList());
    }
}
