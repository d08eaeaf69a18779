package io.tern.verify.checker;

import io.tern.verify.history.Operation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * When each operation must have taken effect, at the latest: a completed operation by its
 * completion; an unknown one, never, unless it is the only writer of a value that a completed
 * operation observed. Then it took effect before that observer completed, since nothing else could
 * have put the value there.
 *
 * <p>This changes no verdict (every valid order already places the write before its observer),
 * but it closes an operation that would otherwise stay open forever, and each open operation is a
 * choice the search may revisit at every later step.
 */
final class EffectDeadlines {

    private EffectDeadlines() {
    }

    /** Per entry, the latest time it may take effect, or {@link Operation#NEVER}. */
    static long[] of(List<HistoryEntry> entries) {
        Map<Fact, Integer> writers = new HashMap<>();
        Map<Fact, Integer> soleWriter = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            for (Fact fact : Footprint.written(entries.get(i).operation())) {
                if (fact.value() != null) {
                    writers.merge(fact, 1, Integer::sum);
                    soleWriter.put(fact, i);
                }
            }
        }
        long[] deadlines = new long[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            deadlines[i] = entries.get(i).operation().completeNanos();
        }
        for (HistoryEntry entry : entries) {
            Operation observer = entry.operation();
            if (observer.isUnknown()) {
                continue;
            }
            for (Fact seen : Footprint.observed(observer)) {
                if (seen.anyValue() || seen.value() == null || writers.getOrDefault(seen, 0) != 1) {
                    continue;
                }
                Operation writer = entries.get(soleWriter.get(seen)).operation();
                if (writer.isUnknown()) {
                    // Never before its own invocation: a read that completed earlier is an anomaly
                    // the search will find, and the events must stay call-then-return.
                    long deadline = Math.max(writer.invokeNanos(), observer.completeNanos());
                    deadlines[soleWriter.get(seen)] = Math.min(deadlines[soleWriter.get(seen)], deadline);
                }
            }
        }
        return deadlines;
    }
}
