package io.tern.verify.checker;

import java.time.Duration;
import java.util.Optional;

/**
 * The answer for one partition of the history.
 *
 * @param subject what was checked, such as "key k1" or "keys k1, k2"
 * @param operations how many operations were searched
 * @param statesExplored how many states the search remembered
 * @param detail why the result is UNKNOWN (which bound was hit), otherwise empty
 * @param witness for NOT_LINEARIZABLE, the small failing window
 */
public record PartitionVerdict(String subject, Linearizability result, int operations, long statesExplored,
                               Duration elapsed, String detail, Optional<FailureWitness> witness) {

    public String explain() {
        StringBuilder text = new StringBuilder(subject).append(": ").append(result)
                .append(" (").append(operations).append(" operations, ").append(statesExplored).append(" states, ")
                .append(elapsed.toMillis()).append(" ms)");
        if (!detail.isEmpty()) {
            text.append(": ").append(detail);
        }
        witness.ifPresent(w -> text.append('\n').append(w.explain().indent(2).stripTrailing()));
        return text.toString();
    }
}
