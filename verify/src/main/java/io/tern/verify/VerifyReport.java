package io.tern.verify;

import io.tern.verify.checker.Linearizability;
import io.tern.verify.checker.Verdict;
import java.util.List;

/**
 * What a run found: the checker's verdict and the end-of-run checks, each problem in one line.
 *
 * @param problems every failed end-of-run check (lost write, divergence, crash, revision regression)
 */
public record VerifyReport(Verdict verdict, List<String> problems, String summary) {

    public VerifyReport {
        problems = List.copyOf(problems);
    }

    /** Whether the history is linearizable and every end-of-run check passed. */
    public boolean passed() {
        return verdict.result() == Linearizability.LINEARIZABLE && problems.isEmpty();
    }

    /** 0 passed, 1 a violation found, 3 the checker hit its bound before deciding. */
    public int exitCode() {
        if (verdict.result() == Linearizability.NOT_LINEARIZABLE || !problems.isEmpty()) {
            return 1;
        }
        return verdict.result() == Linearizability.LINEARIZABLE ? 0 : 3;
    }
}
