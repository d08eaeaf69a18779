package io.tern.verify.checker;

import io.tern.verify.history.Call;
import io.tern.verify.history.Operation;
import io.tern.verify.history.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rule for LOCAL reads. The contract lets a LOCAL read be stale, so such reads are left out of
 * the linearizability search: demanding more would blame the system for what it never promised.
 * What a LOCAL read still must not do is invent: the value it returns must have been written by
 * an operation that did not fail and that was invoked before the read completed.
 */
final class LocalReadCheck {

    private LocalReadCheck() {
    }

    static boolean isLocalRead(Operation operation) {
        return operation.call() instanceof Call.Get get && get.readMode() == io.tern.client.protocol.ReadMode.LOCAL;
    }

    /** The verdict on the LOCAL reads among {@code reads}, or empty when there are none. */
    static Optional<PartitionVerdict> check(List<HistoryEntry> reads, List<Operation> recorded, PartitionChecker describer) {
        if (reads.isEmpty()) {
            return Optional.empty();
        }
        long started = System.nanoTime();
        Map<Fact, List<Integer>> writers = new HashMap<>();
        for (int id = 0; id < recorded.size(); id++) {
            for (Fact fact : Footprint.written(recorded.get(id))) {
                writers.computeIfAbsent(fact, f -> new ArrayList<>()).add(id);
            }
        }
        for (HistoryEntry read : reads) {
            Operation operation = read.operation();
            if (!(operation.outcome() instanceof Outcome.ValueRead(String value)) || value == null) {
                continue;
            }
            List<Integer> writersOfValue = writers.getOrDefault(Fact.exactly(operation.call().keys().getFirst(), value), List.of());
            boolean explained = writersOfValue.stream().map(recorded::get)
                    .anyMatch(writer -> !writer.isFailed() && writer.invokeNanos() <= operation.completeNanos());
            if (!explained) {
                List<HistoryEntry> witness = new ArrayList<>();
                witness.add(read);
                writersOfValue.stream().distinct().forEach(id -> witness.add(new HistoryEntry(id, recorded.get(id))));
                witness.sort(java.util.Comparator.comparingLong(entry -> entry.operation().invokeNanos()));
                return Optional.of(new PartitionVerdict("LOCAL reads", Linearizability.NOT_LINEARIZABLE, reads.size(), 0,
                        Duration.ofNanos(System.nanoTime() - started), "a LOCAL read returned a value that was never validly written",
                        Optional.of(describer.describe(witness, read.id(), true))));
            }
        }
        return Optional.of(new PartitionVerdict("LOCAL reads (may be stale by contract; checked only for invented values)",
                Linearizability.LINEARIZABLE, reads.size(), 0, Duration.ofNanos(System.nanoTime() - started), "", Optional.empty()));
    }
}
