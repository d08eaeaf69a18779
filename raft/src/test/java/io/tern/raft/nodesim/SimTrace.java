package io.tern.raft.nodesim;

import java.util.ArrayList;
import java.util.List;

/** What happened in a run, stamped with simulated time: hashed always, kept (and printed) in full when replaying a seed. */
final class SimTrace {

    private final SimClock clock;
    private final boolean keepLines;
    private final List<String> lines = new ArrayList<>();
    private long hash = 17;
    private long count;

    SimTrace(SimClock clock, boolean keepLines) {
        this.clock = clock;
        this.keepLines = keepLines;
    }

    void add(String line) {
        String stamped = clock.nanoTime() + " " + line;
        hash = hash * 1_000_003 + stamped.hashCode();
        count++;
        if (keepLines) {
            lines.add(stamped);
            System.out.println(stamped);
        }
    }

    long hash() {
        return hash;
    }

    long count() {
        return count;
    }

    List<String> lines() {
        return lines;
    }
}
