package io.tern.raft.sim;

import io.tern.raft.types.EntryKind;
import io.tern.raft.types.LogEntry;
import io.tern.raft.core.RaftCore;
import io.tern.raft.core.Role;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The properties the simulation checks after every step, against a global record of what every node
 * ever wrote, committed and applied. Each check throws {@link IllegalStateException} naming the
 * property; the simulation adds the seed and the replay command.
 */
final class SafetyChecker {

    private record IndexTerm(long index, long term) {
    }

    /** The entry first written at (index, term) and the term its writer held at index - 1 (-1 if unknown). */
    private record Written(LogEntry entry, long prevTerm) {
    }

    /** A committed index: its entry's term, and the lowest term in which any node saw it committed. */
    private static final class Committed {
        final long term;
        long commitTerm;

        Committed(long term, long commitTerm) {
            this.term = term;
            this.commitTerm = commitTerm;
        }
    }

    private final Map<Long, Long> leaderOfTerm = new HashMap<>();
    private final Map<IndexTerm, Written> written = new HashMap<>();
    private final TreeMap<Long, Committed> committed = new TreeMap<>();
    private final Map<Long, LogEntry> appliedAt = new HashMap<>();
    private final Map<String, TreeMap<Long, String>> valuesByKey = new HashMap<>();
    private final Map<Long, Long> lastLeaderTerm = new HashMap<>();
    private long maxAckedWriteIndex;
    long readsChecked;
    long writesAcked;
    long elections;

    /** At most one leader per term; leader completeness for every node that just became leader; commit agreement. */
    void afterStep(Collection<SimNode> nodes) {
        for (SimNode node : nodes) {
            if (!node.up) {
                continue;
            }
            RaftCore core = node.core;
            long commit = core.commitIndex();
            if (commit < node.lastCommitSeen) {
                throw new IllegalStateException("commit index of node " + node.id + " went back from " + node.lastCommitSeen + " to " + commit);
            }
            if (commit > node.lastCommitSeen) {
                commitObserved(node, node.lastCommitSeen, commit);
                node.lastCommitSeen = commit;
            }
            if (core.role() == Role.LEADER) {
                Long other = leaderOfTerm.putIfAbsent(core.term(), node.id);
                if (other != null && other != node.id) {
                    throw new IllegalStateException("two leaders in term " + core.term() + ": " + other + " and " + node.id);
                }
                Long seen = lastLeaderTerm.get(node.id);
                if (seen == null || seen != core.term()) {
                    lastLeaderTerm.put(node.id, core.term());
                    elections++;
                    checkLeaderCompleteness(node);
                }
            }
        }
    }

    private void commitObserved(SimNode node, long from, long to) {
        RaftCore core = node.core;
        for (long i = from + 1; i <= to; i++) {
            OptionalLong term = core.termAt(i);
            if (term.isEmpty()) {
                continue; // inside a snapshot
            }
            Committed known = committed.get(i);
            if (known == null) {
                committed.put(i, new Committed(term.getAsLong(), core.term()));
            } else if (known.term != term.getAsLong()) {
                throw new IllegalStateException("node " + node.id + " committed index " + i + " with term " + term.getAsLong()
                        + " but term " + known.term + " was committed there before");
            } else {
                known.commitTerm = Math.min(known.commitTerm, core.term());
            }
        }
    }

    /** Every entry committed in an earlier term is in the new leader's log (or its snapshot). */
    private void checkLeaderCompleteness(SimNode leader) {
        long term = leader.core.term();
        long lastIndex = leader.core.lastIndex();
        for (Map.Entry<Long, Committed> e : committed.entrySet()) {
            if (e.getValue().commitTerm >= term) {
                continue;
            }
            long index = e.getKey();
            OptionalLong held = leader.core.termAt(index);
            if (held.isEmpty() && index <= lastIndex) {
                continue; // compacted into the leader's snapshot
            }
            if (held.isEmpty() || held.getAsLong() != e.getValue().term) {
                throw new IllegalStateException("leader completeness: node " + leader.id + " leads term " + term
                        + " without entry " + index + "/" + e.getValue().term + " committed in term " + e.getValue().commitTerm
                        + " (it holds " + (held.isEmpty() ? "nothing" : "term " + held.getAsLong()) + ")");
            }
        }
    }

    /** Log matching, checked inductively on every durable write: same (index, term) means same entry and same previous term. */
    void entriesPersisted(SimNode node, Iterable<LogEntry> entries) {
        MemoryStorage disk = node.disk;
        for (LogEntry entry : entries) {
            long prevIndex = entry.index() - 1;
            long prevTerm;
            if (prevIndex == disk.snapshot().index()) {
                prevTerm = disk.snapshot().term();
            } else if (prevIndex >= disk.firstIndex() && prevIndex <= disk.lastIndex()) {
                prevTerm = disk.term(prevIndex);
            } else {
                prevTerm = -1;
            }
            IndexTerm key = new IndexTerm(entry.index(), entry.term());
            Written first = written.putIfAbsent(key, new Written(entry, prevTerm));
            if (first == null) {
                continue;
            }
            if (!first.entry().equals(entry)) {
                throw new IllegalStateException("log matching: node " + node.id + " holds " + entry + " but " + first.entry()
                        + " was written at the same index and term");
            }
            if (first.prevTerm() >= 0 && prevTerm >= 0 && first.prevTerm() != prevTerm) {
                throw new IllegalStateException("log matching: node " + node.id + " holds " + entry.index() + "/" + entry.term()
                        + " after an entry of term " + prevTerm + ", elsewhere it follows term " + first.prevTerm());
            }
        }
    }

    /** State-machine safety: no two nodes apply different entries at one index; each node applies in order. */
    void applied(SimNode node, LogEntry entry) {
        if (entry.index() != node.applied + 1) {
            throw new IllegalStateException("node " + node.id + " applied index " + entry.index() + " after " + node.applied);
        }
        LogEntry first = appliedAt.putIfAbsent(entry.index(), entry);
        if (first == null) {
            if (entry.kind() == EntryKind.COMMAND) {
                KvCommand command = KvCommand.decode(entry.payload());
                valuesByKey.computeIfAbsent(command.key(), k -> new TreeMap<>()).put(entry.index(), command.value());
            }
        } else if (!first.equals(entry)) {
            throw new IllegalStateException("state machine safety: node " + node.id + " applied " + entry + " where " + first
                    + " was applied before");
        }
    }

    void writeAcknowledged(long index) {
        maxAckedWriteIndex = Math.max(maxAckedWriteIndex, index);
        writesAcked++;
    }

    /** The highest index of a write acknowledged so far: a read starting now must observe it. */
    long maxAckedWriteIndex() {
        return maxAckedWriteIndex;
    }

    /** A ReadIndex result must cover every write acknowledged before the read started. */
    void readIndexGranted(SimNode node, SimNode.PendingRead read, long index) {
        if (index < read.mustSeeIndex()) {
            throw new IllegalStateException("linearizability: node " + node.id + " granted read " + read.readId()
                    + " at index " + index + " but a write at " + read.mustSeeIndex() + " was acknowledged before it started");
        }
    }

    /** A completed read returns what the applied order holds at the reader's applied index. */
    void readCompleted(SimNode node, SimNode.PendingRead read, String value) {
        TreeMap<Long, String> history = valuesByKey.get(read.key());
        Map.Entry<Long, String> latest = history == null ? null : history.floorEntry(node.applied);
        String expected = latest == null ? null : latest.getValue();
        if (!java.util.Objects.equals(expected, value)) {
            throw new IllegalStateException("linearizability: node " + node.id + " read " + read.key() + "=" + value
                    + " at applied index " + node.applied + " but the applied order holds " + expected);
        }
        readsChecked++;
    }

    long committedCount() {
        return committed.isEmpty() ? 0 : committed.lastKey();
    }
}
