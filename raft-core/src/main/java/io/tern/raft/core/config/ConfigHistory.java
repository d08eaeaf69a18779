package io.tern.raft.core.config;

import io.tern.raft.types.Membership;
import java.util.ArrayList;
import java.util.List;

/**
 * The configurations found in a node's log. With single-server changes a configuration takes effect
 * as soon as its CONFIG entry is in the log (Raft thesis 4.1), committed or not, so when a follower's
 * log is truncated the configuration must fall back to the one before; this history makes that a
 * lookup. The base is the configuration of the snapshot; entries that are committed are folded into
 * it so that the history stays short.
 */
public final class ConfigHistory {

    private record Config(long index, Membership membership) {
    }

    private Config base;
    private final List<Config> entries = new ArrayList<>();

    public ConfigHistory(long snapshotIndex, Membership snapshotMembership) {
        this.base = new Config(snapshotIndex, snapshotMembership);
    }

    /** A CONFIG entry at {@code index} was appended; indexes must grow. */
    public void append(long index, Membership membership) {
        if (index <= currentIndex()) {
            throw new IllegalArgumentException("config at " + index + " does not follow " + currentIndex());
        }
        entries.add(new Config(index, membership));
    }

    /** The log lost every entry from {@code index} on. */
    public void truncateFrom(long index) {
        entries.removeIf(c -> c.index() >= index);
    }

    /** A snapshot replaced the log. */
    public void reset(long snapshotIndex, Membership membership) {
        entries.clear();
        base = new Config(snapshotIndex, membership);
    }

    /** Entries up to {@code commitIndex} can no longer be truncated; keep only the newest of them. */
    public void committedUpTo(long commitIndex) {
        while (!entries.isEmpty() && entries.get(0).index() <= commitIndex) {
            base = entries.remove(0);
        }
    }

    public Membership current() {
        return entries.isEmpty() ? base.membership() : entries.get(entries.size() - 1).membership();
    }

    /** The index of the entry (or snapshot) that set the current configuration. */
    public long currentIndex() {
        return entries.isEmpty() ? base.index() : entries.get(entries.size() - 1).index();
    }

    /** The configuration in force once the log is cut after {@code index}. */
    public Membership at(long index) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (entries.get(i).index() <= index) {
                return entries.get(i).membership();
            }
        }
        return base.membership();
    }
}
