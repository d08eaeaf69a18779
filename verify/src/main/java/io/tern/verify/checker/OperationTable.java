package io.tern.verify.checker;

import io.tern.verify.history.Operation;
import java.util.List;
import java.util.Locale;

/**
 * Prints operations one per line, with times in milliseconds from the start of the window (the
 * first invocation shown), as recorded; where the proof used a weakened form, the line says so.
 */
final class OperationTable {

    private final long windowStartNanos;

    OperationTable(long windowStartNanos) {
        this.windowStartNanos = windowStartNanos;
    }

    static OperationTable startingAt(List<HistoryEntry> entries) {
        return new OperationTable(entries.stream().mapToLong(entry -> entry.operation().invokeNanos()).min().orElse(0));
    }

    /** {@code entries} in the forms judged; {@code recorded} the history as recorded, by id. */
    String render(List<HistoryEntry> entries, List<Operation> recorded) {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "    %-7s %-5s %11s %11s  %-30s %s%n", "op", "proc", "invoked", "completed", "call", "outcome"));
        for (HistoryEntry entry : entries) {
            Operation original = recorded.get(entry.id());
            text.append(String.format(Locale.ROOT, "    %-7s %-5s %11s %11s  %-30s %s",
                    "#" + entry.id(), "p" + original.process(), time(original.invokeNanos()),
                    time(original.completeNanos()), original.call().describe(), original.outcome().describe()));
            if (original.revision() != Operation.NO_REVISION) {
                text.append(" rev ").append(original.revision());
            }
            if (!entry.operation().equals(original)) {
                text.append(entry.operation().call().getClass() == original.call().getClass()
                        ? "   [whether it existed does not matter here]"
                        : "   [only its write matters here: " + entry.operation().call().describe() + "]");
            }
            text.append('\n');
        }
        return text.toString();
    }

    /** A time as "+1.234ms" from the window start, or "never" for an operation left open. */
    String time(long nanos) {
        if (nanos == Operation.NEVER) {
            return "never";
        }
        return String.format(Locale.ROOT, "%+.3fms", (nanos - windowStartNanos) / 1e6);
    }
}
