package io.tern.verify;

import io.tern.verify.checker.Verdict;
import io.tern.verify.history.Call;
import io.tern.verify.history.History;
import io.tern.verify.history.Operation;
import io.tern.verify.history.Outcome;
import io.tern.verify.nemesis.Fault;
import io.tern.verify.nemesis.FaultEvent;
import io.tern.verify.nemesis.LeaderTracker;
import io.tern.verify.workload.Workload;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The text a person reads after a run: what was done, what went wrong around it, and the verdict. */
final class RunSummary {

    private RunSummary() {
    }

    static String describe(VerifyConfig config, History history, List<FaultEvent> faults,
                           List<LeaderTracker.LeaderChange> leaders, long runNanos, Verdict verdict, List<String> problems,
                           List<String> workloadLines) {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "tern verify: %s, %s API, %d clients, %d keys, %.1f s, seed %d, faults %s, "
                        + "workloads %s%n",
                config.external() ? "cluster at " + String.join(",", config.endpoints()) : config.nodes() + " nodes",
                config.api().flagName(), config.processes(), config.keys(), runNanos / 1e9, config.seed(),
                config.faults().isEmpty() ? "none" : config.faults().stream().map(Fault::name).sorted().toList(),
                config.workloads().stream().sorted().map(Workload::flagName).toList()));
        Map<String, Map<String, Integer>> byType = new TreeMap<>();
        for (Operation op : history.operations()) {
            byType.computeIfAbsent(type(op.call()), t -> new TreeMap<>()).merge(outcome(op.outcome()), 1, Integer::sum);
        }
        text.append("operations:\n");
        byType.forEach((type, outcomes) -> text.append(String.format(Locale.ROOT, "  %-10s %s%n", type, outcomes)));
        long answered = history.operations().stream().filter(op -> op.outcome() instanceof Outcome.Ok).count();
        text.append(String.format(Locale.ROOT, "throughput: %.0f answered operations/s (%d of %d)%n",
                answered / Math.max(1e-9, runNanos / 1e9), answered, history.size()));
        text.append("faults injected: ").append(faults.size()).append('\n');
        for (FaultEvent fault : faults) {
            text.append("  ").append(fault).append('\n');
        }
        text.append("leader changes: ").append(Math.max(0, leaders.size() - 1)).append(' ');
        text.append(leaders.stream().map(c -> c.leaderId() + "@" + c.atMillis() + "ms/t" + c.term()).toList()).append('\n');
        text.append(String.format(Locale.ROOT, "checker: %s (%d operations searched in %d partitions, %d states, %d ms)%n",
                verdict.result(), verdict.stats().searchedOperations(), verdict.stats().partitions(),
                verdict.stats().statesExplored(), verdict.stats().elapsed().toMillis()));
        workloadLines.forEach(line -> text.append(line).append('\n'));
        if (problems.isEmpty()) {
            text.append("end-of-run checks: every node converged to the same state; no node crashed on its own; "
                    + "no client saw a revision go backwards\n");
        } else {
            text.append("end-of-run checks FAILED:\n");
            problems.forEach(p -> text.append("  ").append(p).append('\n'));
        }
        boolean passed = problems.isEmpty() && verdict.result() == io.tern.verify.checker.Linearizability.LINEARIZABLE;
        text.append("verdict: ").append(passed ? "PASS" : verdict.result() == io.tern.verify.checker.Linearizability.UNKNOWN
                && problems.isEmpty() ? "UNKNOWN (the checker hit its bound)" : "FAIL").append('\n');
        return text.toString();
    }

    static String type(Call call) {
        return switch (call) {
            case Call.Get get -> get.readMode() == io.tern.client.protocol.ReadMode.LOCAL ? "get-local" : "get";
            case Call.Put put -> "put";
            case Call.Delete delete -> "delete";
            case Call.Cas cas -> "cas";
            case Call.Batch batch -> "batch";
            case Call.Txn txn -> "txn";
        };
    }

    static String outcome(Outcome outcome) {
        return switch (outcome) {
            case Outcome.Failed failed -> "failed";
            case Outcome.Unknown unknown -> "unknown";
            case Outcome.CasMismatch mismatch -> "mismatch";
            case Outcome.GuardsFailed failed -> "guards-failed";
            case Outcome.Ok ok -> "ok";
        };
    }
}
