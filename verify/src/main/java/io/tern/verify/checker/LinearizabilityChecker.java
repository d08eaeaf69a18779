package io.tern.verify.checker;

import io.tern.verify.history.History;
import io.tern.verify.history.Operation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a recorded history of key-value operations for linearizability.
 *
 * <ol>
 *   <li>Failed operations are dropped (they certainly did not take effect); LOCAL reads go to
 *       {@link LocalReadCheck}, since only LINEARIZABLE reads promise linearizability; unknown
 *       operations nobody could have observed are dropped ({@link UnknownWriteFilter}).
 *   <li>The rest is split into partitions of keys that no BATCH crosses ({@link KeyPartitioner}).
 *   <li>Each partition is searched ({@link LinearizationSearch}) within the bounds of the
 *       {@link CheckConfig}; a failing one is shrunk to a small window and explained.
 * </ol>
 */
public final class LinearizabilityChecker {

    private LinearizabilityChecker() {
    }

    public static Verdict check(History history, CheckConfig config) {
        long started = System.nanoTime();
        List<Operation> recorded = history.operations();
        List<HistoryEntry> searchable = new ArrayList<>();
        List<HistoryEntry> localReads = new ArrayList<>();
        for (int id = 0; id < recorded.size(); id++) {
            Operation operation = recorded.get(id);
            if (operation.isFailed()) {
                continue;
            }
            (LocalReadCheck.isLocalRead(operation) ? localReads : searchable).add(new HistoryEntry(id, operation));
        }
        List<Partition> partitions = KeyPartitioner.partition(UnknownWriteFilter.withoutUnobservedUnknowns(searchable));

        PartitionChecker checker = new PartitionChecker(recorded, config);
        long deadline = SearchBudget.of(config.timeout().toNanos(), config.maxStates()).deadlineNanos();
        List<PartitionVerdict> verdicts = new ArrayList<>();
        for (Partition partition : partitions) {
            verdicts.add(checker.check(partition, partition.model(), deadline));
        }
        LocalReadCheck.check(localReads, recorded, checker).ifPresent(verdicts::add);

        CheckStats stats = new CheckStats(recorded.size(),
                partitions.stream().mapToInt(partition -> partition.entries().size()).sum(),
                partitions.size(),
                verdicts.stream().mapToLong(PartitionVerdict::statesExplored).sum(),
                Duration.ofNanos(System.nanoTime() - started));
        return new Verdict(Verdict.combine(verdicts), verdicts, stats);
    }
}
