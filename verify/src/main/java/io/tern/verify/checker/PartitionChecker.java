package io.tern.verify.checker;

import io.tern.verify.history.Operation;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Searches one partition and, when it fails, shrinks and explains the failure. */
final class PartitionChecker {

    private final List<Operation> recorded;
    private final CheckConfig config;

    PartitionChecker(List<Operation> recorded, CheckConfig config) {
        this.recorded = recorded;
        this.config = config;
    }

    <S> PartitionVerdict check(Partition partition, Model<S> model, long deadlineNanos) {
        long started = System.nanoTime();
        SearchResult found = LinearizationSearch.run(partition.entries(), model, new SearchBudget(deadlineNanos, config.maxStates()));
        Linearizability result = found.result();
        Optional<FailureWitness> witness = Optional.empty();
        if (result != Linearizability.LINEARIZABLE) {
            // Also when the search ran out of budget: a window cut out soundly that fails alone
            // proves the whole partition fails, and anomalies are usually local.
            SearchBudget shrinkBudget = SearchBudget.of(config.shrinkTimeout().toNanos(), config.maxStates());
            witness = WitnessShrinker.findAndShrink(partition.entries(), model, found.furthestBlockedId(),
                            result == Linearizability.NOT_LINEARIZABLE, shrinkBudget)
                    .map(shrunk -> describe(shrunk.entries(), found.furthestBlockedId(), shrunk.minimal()));
        }
        String detail = result != Linearizability.UNKNOWN ? "" : switch (found.boundHit()) {
            case STATES -> "gave up after " + config.maxStates() + " states (the maxStates bound)";
            case MEMORY -> "gave up after " + found.statesExplored() + " states, all that fit in half the heap of "
                    + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB";
            case DEADLINE -> "gave up at the deadline (the timeout bound)";
        };
        if (result == Linearizability.UNKNOWN && witness.isPresent()) {
            result = Linearizability.NOT_LINEARIZABLE;
            detail = "the full search " + detail + ", but the window below, cut out of the partition by steps"
                    + " that keep a linearizable history linearizable, fails on its own";
        }
        return new PartitionVerdict(partition.describeKeys(), result, partition.entries().size(),
                found.statesExplored(), Duration.ofNanos(System.nanoTime() - started), detail, witness);
    }

    /** The witness as a person reads it: the recorded operations, a table, a reason. */
    FailureWitness describe(List<HistoryEntry> entries, int blockedId, boolean minimal) {
        OperationTable table = OperationTable.startingAt(entries);
        String reason = new AnomalyExplainer(recorded, table).explain(entries, blockedId);
        return new FailureWitness(
                entries.stream().map(HistoryEntry::id).toList(),
                entries.stream().map(entry -> recorded.get(entry.id())).toList(),
                reason, table.render(entries, recorded), minimal);
    }
}
