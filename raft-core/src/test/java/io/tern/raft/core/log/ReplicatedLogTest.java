package io.tern.raft.core.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;
import io.tern.raft.types.CompactedIndexException;
import io.tern.raft.types.EntryKind;
import io.tern.raft.types.LogEntry;
import io.tern.raft.core.HardState;
import io.tern.raft.core.RaftConfig;
import io.tern.raft.core.Ready;
import io.tern.raft.sim.MemoryStorage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplicatedLogTest {

    private static final Membership ONE = new Membership(List.of(new Member(1, "a", true)));

    private static List<LogEntry> terms(long first, long... terms) {
        List<LogEntry> entries = new ArrayList<>();
        for (int i = 0; i < terms.length; i++) {
            entries.add(new LogEntry(first + i, terms[i], EntryKind.COMMAND, new byte[] {(byte) (first + i)}));
        }
        return entries;
    }

    private static MemoryStorage storage(long... terms) {
        return new MemoryStorage(ONE, HardState.INITIAL, terms(1, terms));
    }

    @Test
    void heldEntriesAreSkippedAndOnlyARealConflictTruncates() {
        ReplicatedLog log = new ReplicatedLog(storage(1, 1, 2, 2), 0);
        assertEquals(List.of(), log.appendFromLeader(terms(2, 1, 2)), "all held: nothing written");
        assertEquals(4, log.lastIndex());
        List<LogEntry> written = log.appendFromLeader(terms(3, 2, 3, 3));
        assertEquals(terms(4, 3, 3), written);
        assertEquals(4, log.truncationPoint(), "the durable log must be cut at the conflict");
        assertEquals(5, log.lastIndex());
        assertEquals(3, log.termOrUnknown(4));
    }

    @Test
    void truncatingCommittedEntriesIsRefused() {
        MemoryStorage s = new MemoryStorage(ONE, new HardState(2, 0, 3), terms(1, 1, 1, 2));
        ReplicatedLog log = new ReplicatedLog(s, 0);
        assertThrows(IllegalStateException.class, () -> log.appendFromLeader(terms(3, 3)));
    }

    @Test
    void conflictHintSearches() {
        ReplicatedLog log = new ReplicatedLog(storage(1, 2, 2, 2, 5, 5, 7), 0);
        assertEquals(2, log.firstIndexOfTermAt(4, 1));
        assertEquals(5, log.firstIndexOfTermAt(6, 1));
        assertEquals(3, log.firstIndexOfTermAt(4, 3), "never below the lower bound");
        assertEquals(4, log.lastIndexOfTerm(2, 7));
        assertEquals(0, log.lastIndexOfTerm(3, 7));
        assertEquals(6, log.lastIndexOfTerm(5, 100));
        assertEquals(5, log.lastIndexOfTerm(5, 5));
    }

    @Test
    void entriesSpanDurableAndUnstableWithAByteLimit() {
        ReplicatedLog log = new ReplicatedLog(storage(1, 1, 1), 0);
        log.append(terms(4, 2, 2));
        long oneEntry = 1 + RaftConfig.BYTES_COUNTED_PER_ENTRY;
        assertEquals(5, log.entries(1, 6, 1 << 20).size());
        assertEquals(1, log.entries(2, 6, 0).size(), "at least one entry");
        assertEquals(1, log.entries(3, 6, oneEntry).size());
        assertEquals(1, log.entries(3, 6, 2 * oneEntry - 1).size());
        assertEquals(2, log.entries(3, 6, 2 * oneEntry).size(), "one durable entry and one not yet durable");
    }

    @Test
    void emptyEntriesUseTheByteBudgetUpToo() {
        List<LogEntry> noops = new ArrayList<>();
        for (long index = 1; index <= 10; index++) {
            noops.add(LogEntry.noop(index, index));
        }
        ReplicatedLog log = new ReplicatedLog(new MemoryStorage(ONE, HardState.INITIAL, noops), 0);
        for (long index = 11; index <= 20; index++) {
            log.append(List.of(LogEntry.noop(index, 10)));
        }
        long three = 3L * RaftConfig.BYTES_COUNTED_PER_ENTRY;
        assertEquals(3, log.entries(1, 21, three).size(), "durable entries, which the storage counts by payload");
        assertEquals(3, log.entries(11, 21, three).size(), "entries not yet durable");
        assertEquals(3, log.entries(9, 21, three).size(), "across both");
    }

    @Test
    void anEntryOverTheWholeBudgetStillGoesAlone() {
        MemoryStorage s = new MemoryStorage(ONE, HardState.INITIAL,
                List.of(new LogEntry(1, 1, EntryKind.COMMAND, new byte[1000]), LogEntry.noop(2, 1)));
        ReplicatedLog log = new ReplicatedLog(s, 0);
        log.append(List.of(new LogEntry(3, 1, EntryKind.COMMAND, new byte[1000]), LogEntry.noop(4, 1)));
        assertEquals(List.of(1L), log.entries(1, 5, 100).stream().map(LogEntry::index).toList());
        assertEquals(List.of(3L), log.entries(3, 5, 100).stream().map(LogEntry::index).toList());
    }

    @Test
    void compactedRangeIsReported() {
        MemoryStorage s = storage(1, 1, 1, 1);
        s.takeSnapshot(3, ONE);
        s.compact(4);
        ReplicatedLog log = new ReplicatedLog(s, 3);
        assertThrows(CompactedIndexException.class, () -> log.entries(2, 5, 100));
        assertEquals(1, log.termOrUnknown(3), "the snapshot's term");
        assertEquals(ReplicatedLog.UNKNOWN, log.termOrUnknown(2));
    }

    @Test
    void committedEntriesAreHandedOutOnlyOnceDurable() {
        MemoryStorage s = storage(1);
        ReplicatedLog log = new ReplicatedLog(s, 0);
        log.append(terms(2, 1, 1));
        log.commitTo(3);
        assertEquals(terms(1, 1), log.nextCommittedEntries(1 << 20));
        s.persist(new Ready(Optional.empty(), Optional.empty(), 0, log.unstableEntries(), List.of(), List.of(), List.of(),
                List.of(), List.of(), List.of(), false));
        log.stableTo(3, 1);
        assertEquals(3, log.nextCommittedEntries(1 << 20).size());
    }

    @Test
    void stableToIgnoresEntriesReplacedMeanwhile() {
        MemoryStorage s = storage(1);
        ReplicatedLog log = new ReplicatedLog(s, 0);
        log.append(terms(2, 1, 1));
        List<LogEntry> handedOut = log.unstableEntries();
        log.appendFromLeader(terms(3, 2));
        log.stableTo(handedOut.get(handedOut.size() - 1).index(), 1);
        assertEquals(terms(2, 1, 2), log.unstableEntries(), "3/1 was replaced: nothing became stable");
    }
}
