package io.tern.verify.checker;

import io.tern.verify.history.Operation;
import java.util.Arrays;
import java.util.BitSet;

/**
 * Which operations the search has placed, and a compact, comparable snapshot of that set for the
 * memo of explored configurations.
 *
 * <p>A plain bit per operation makes every remembered configuration as large as the partition
 * (over a kilobyte for 10,000 operations), and memory, not time, then ends the search. But the
 * search places operations roughly in order of their deadlines, so a placed set is almost always
 * "all of the first N, then a few": numbering operations by deadline, a snapshot keeps N and the
 * bits after it up to the last one set. Operations that may never happen have no deadline and
 * would stretch that window to the end, so they get bits of their own.
 */
final class PlacedOperations {

    private final int[] ordinal;
    private final boolean[] open;
    private final BitSet placedBounded = new BitSet();
    private final BitSet placedOpen = new BitSet();

    /** @param deadlines per entry, when it must take effect ({@link Operation#NEVER}: it may never) */
    PlacedOperations(long[] deadlines) {
        int entries = deadlines.length;
        ordinal = new int[entries];
        open = new boolean[entries];
        Integer[] bounded = new Integer[entries];
        int boundedCount = 0;
        int openCount = 0;
        for (int entry = 0; entry < entries; entry++) {
            if (deadlines[entry] == Operation.NEVER) {
                open[entry] = true;
                ordinal[entry] = openCount++;
            } else {
                bounded[boundedCount++] = entry;
            }
        }
        Arrays.sort(bounded, 0, boundedCount, (a, b) -> Long.compare(deadlines[a], deadlines[b]));
        for (int i = 0; i < boundedCount; i++) {
            ordinal[bounded[i]] = i;
        }
    }

    void place(int entry) {
        (open[entry] ? placedOpen : placedBounded).set(ordinal[entry]);
    }

    void unplace(int entry) {
        (open[entry] ? placedOpen : placedBounded).clear(ordinal[entry]);
    }

    Snapshot snapshot(Object state) {
        int prefix = placedBounded.nextClearBit(0);
        long[] window = placedBounded.get(prefix, Math.max(prefix, placedBounded.length())).toLongArray();
        return new Snapshot(prefix, window, placedOpen.toLongArray(), state);
    }

    /** A placed set and the model state it led to: a configuration of the search. */
    static final class Snapshot {
        private final int prefix;
        private final long[] window;
        private final long[] open;
        private final Object state;
        private final int hash;

        private Snapshot(int prefix, long[] window, long[] open, Object state) {
            this.prefix = prefix;
            this.window = window;
            this.open = open;
            this.state = state;
            this.hash = ((prefix * 31 + Arrays.hashCode(window)) * 31 + Arrays.hashCode(open)) * 31 + state.hashCode();
        }

        /** Roughly what remembering it costs: the object, its arrays, a hash set node (not the state, often shared). */
        long bytes() {
            return 120 + 8L * (window.length + open.length);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Snapshot that && hash == that.hash && prefix == that.prefix
                    && Arrays.equals(window, that.window) && Arrays.equals(open, that.open) && state.equals(that.state);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
