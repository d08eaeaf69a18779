package io.tern.verify.checker;

import java.util.List;
import java.util.Optional;

/**
 * The answer for a whole history: NOT_LINEARIZABLE if any partition is, else UNKNOWN if any
 * partition hit a bound, else LINEARIZABLE.
 */
public record Verdict(Linearizability result, List<PartitionVerdict> partitions, CheckStats stats) {

    public Verdict {
        partitions = List.copyOf(partitions);
    }

    static Linearizability combine(List<PartitionVerdict> partitions) {
        if (partitions.stream().anyMatch(p -> p.result() == Linearizability.NOT_LINEARIZABLE)) {
            return Linearizability.NOT_LINEARIZABLE;
        }
        if (partitions.stream().anyMatch(p -> p.result() == Linearizability.UNKNOWN)) {
            return Linearizability.UNKNOWN;
        }
        return Linearizability.LINEARIZABLE;
    }

    /** The failing windows, one per failing partition. */
    public List<FailureWitness> witnesses() {
        return partitions.stream().flatMap(p -> p.witness().stream()).toList();
    }

    public Optional<FailureWitness> firstWitness() {
        return witnesses().stream().findFirst();
    }

    /** The verdict for a person: a summary line, then failing and undecided partitions in full. */
    public String explain() {
        StringBuilder text = new StringBuilder().append(result).append(": ")
                .append(stats.searchedOperations()).append(" of ").append(stats.recordedOperations())
                .append(" operations searched in ").append(stats.partitions()).append(" partitions, ")
                .append(stats.statesExplored()).append(" states, ").append(stats.elapsed().toMillis()).append(" ms");
        for (PartitionVerdict partition : partitions) {
            if (partition.result() != Linearizability.LINEARIZABLE || result == Linearizability.LINEARIZABLE) {
                text.append('\n').append(partition.explain().indent(2).stripTrailing());
            }
        }
        return text.append('\n').toString();
    }
}
