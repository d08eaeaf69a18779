package io.tern.verify.nemesis;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One fault as it happened, for the summary and the plot. Times are nanoseconds since the run's
 * origin (the {@code originNanos} given to the {@link Nemesis}, a {@link System#nanoTime()} value),
 * so they line up with a history recorded against the same origin.
 *
 * @param targets  the node ids it hit (for an added node, that node)
 * @param endNanos when the heal finished; -1 while the fault is on
 * @param details  what was done and seen, in words
 * @param error    why injecting or healing failed, or null
 */
public record FaultEvent(int number, Fault fault, FaultVariant variant, List<Integer> targets, long startNanos,
                         long endNanos, String details, String error) {

    public FaultEvent {
        targets = List.copyOf(targets);
    }

    public boolean isOpen() {
        return endNanos < 0;
    }

    public boolean failed() {
        return error != null;
    }

    public long startMillis() {
        return TimeUnit.NANOSECONDS.toMillis(startNanos);
    }

    /** When it ended, in milliseconds since the origin; -1 while it is on. */
    public long endMillis() {
        return endNanos < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(endNanos);
    }

    FaultEvent ended(long atNanos, String moreDetails, String moreError) {
        String allDetails = moreDetails == null || moreDetails.isEmpty() ? details
                : details.isEmpty() ? moreDetails : details + "; " + moreDetails;
        String allErrors = moreError == null ? error : error == null ? moreError : error + "; " + moreError;
        return new FaultEvent(number, fault, variant, targets, startNanos, atNanos, allDetails, allErrors);
    }

    @Override
    public String toString() {
        return String.format("%8.3f s %s %s on %s: %s%s", startNanos / 1e9, fault.name(), variant.name()
                        .toLowerCase(java.util.Locale.ROOT).replace('_', '-'), targets, details,
                (endNanos < 0 ? " (on)" : String.format(" (%.3f s)", (endNanos - startNanos) / 1e9))
                        + (error == null ? "" : " FAILED: " + error));
    }
}
