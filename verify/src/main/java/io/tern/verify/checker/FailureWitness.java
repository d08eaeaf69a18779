package io.tern.verify.checker;

import io.tern.verify.history.HistoryText;
import io.tern.verify.history.Operation;
import java.util.List;

/**
 * A small set of operations that cannot be linearized, shown to a person.
 *
 * @param operationIds the operations' positions in the history, in invocation order
 * @param operations the operations as recorded
 * @param reason why no order explains them, in a sentence or two
 * @param table one line per operation, times in ms from the first invocation
 * @param minimal whether leaving out each one of the operations was tried, and either made the rest
 *     linearizable or would have removed a write that a kept result depends on (false when the
 *     shrinking budget ran out first)
 */
public record FailureWitness(List<Integer> operationIds, List<Operation> operations, String reason, String table, boolean minimal) {

    public FailureWitness {
        operationIds = List.copyOf(operationIds);
        operations = List.copyOf(operations);
    }

    public String explain() {
        String size = operations.size() == 1 ? "This operation" : "These " + operations.size() + " operations";
        String shrunk = minimal
                ? (operations.size() == 1 ? "" : " (a minimal window: none of them can be left out)")
                : " (shrinking stopped at its time budget: a smaller window may exist)";
        return size + " cannot be linearized" + shrunk + ":\n" + table + reason + "\n" + asHistoryText();
    }

    /**
     * The operations in {@link HistoryText}'s form, times in ms from the first invocation: a checker
     * test can take them as they are.
     */
    public String asHistoryText() {
        long start = operations.stream().mapToLong(Operation::invokeNanos).min().orElse(0);
        return "As history text (ms from the first invocation), for a checker test:\n"
                + HistoryText.format(operations, start).indent(4).stripTrailing();
    }
}
