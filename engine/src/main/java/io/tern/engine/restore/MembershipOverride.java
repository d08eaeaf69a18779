package io.tern.engine.restore;

import io.tern.engine.StorageEngine;
import io.tern.engine.log.RaftLog;
import io.tern.engine.meta.MemberRecord;
import io.tern.engine.snapshot.Snapshot;
import io.tern.raft.types.EntryKind;
import io.tern.raft.types.LogEntry;
import io.tern.raft.types.Membership;
import java.util.List;

/**
 * Gives a member's storage a membership that no leader proposed: a CONFIG entry appended after the
 * last entry of its log and recorded as committed, so that it and everything before it are applied
 * on open and Raft starts from that configuration (as etcd's {@code --force-new-cluster} and
 * {@code snapshot restore} write configuration entries into a new WAL). The log's entries after the
 * commit mark, which no leader can confirm any more, are kept and applied too: their clients were
 * told TIMEOUT or nothing, so applying them breaks no promise, and dropping them could drop writes
 * that a quorum did acknowledge before this member learned of it.
 *
 * <p>Only for a member that starts a new cluster, whose old peers can no longer reach it: every
 * other member must start from the same entry (restores of one backup with one member list) or from
 * this member's log (members added later).
 */
public final class MembershipOverride {

    private MembershipOverride() {
    }

    /**
     * Appends the CONFIG entry of {@code members}, commits it, and makes the hard state's term at least
     * its term, durably.
     *
     * @return the entry's index
     */
    public static long commit(StorageEngine engine, Membership members) {
        RaftLog log = engine.log();
        long last = log.lastIndex();
        long lastTerm = last == 0 ? 0 : last >= log.firstIndex() ? log.term(last)
                : engine.latestSnapshot().map(Snapshot::lastIncludedTerm).orElse(0L);
        MemberRecord record = engine.memberRecord().current();
        // Terms never decrease along a log, and no member may hold an entry of a term above its own.
        long term = Math.max(record.term(), lastTerm);
        engine.memberRecord().save(new MemberRecord(term, term == record.term() ? record.votedFor() : 0, members));
        LogEntry config = new LogEntry(last + 1, term, EntryKind.CONFIG, members.encode());
        log.append(List.of(config));
        log.markCommitted(config.index());
        log.sync();
        return config.index();
    }
}
