package io.tern.raft.transport;

import io.tern.raft.core.Message;
import io.tern.raft.core.Rejection;
import io.tern.raft.core.SnapshotMeta;
import io.tern.raft.types.EntryKind;
import io.tern.raft.types.LogEntry;
import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random messages of every kind, with values drawn to hit every varint length (negative longs too). */
final class RandomMessages {

    private static final int KINDS = 13;

    private RandomMessages() {
    }

    static Message next(Random random) {
        long from = anyLong(random);
        long to = anyLong(random);
        long term = anyLong(random);
        return switch (random.nextInt(KINDS)) {
            case 0 -> new Message.PreVote(from, to, term, anyLong(random), anyLong(random));
            case 1 -> new Message.PreVoteResponse(from, to, term, random.nextBoolean());
            case 2 -> new Message.RequestVote(from, to, term, anyLong(random), anyLong(random), random.nextBoolean());
            case 3 -> new Message.RequestVoteResponse(from, to, term, random.nextBoolean());
            case 4 -> new Message.AppendEntries(from, to, term, anyLong(random), anyLong(random), entries(random),
                    anyLong(random));
            case 5 -> new Message.AppendEntriesResponse(from, to, term, random.nextBoolean(), anyLong(random),
                    anyLong(random), anyLong(random), anyLong(random));
            case 6 -> new Message.Heartbeat(from, to, term, anyLong(random), anyLong(random));
            case 7 -> new Message.HeartbeatResponse(from, to, term, anyLong(random));
            case 8 -> new Message.InstallSnapshot(from, to, term, snapshot(random));
            case 9 -> new Message.InstallSnapshotResponse(from, to, term, anyLong(random));
            case 10 -> new Message.ReadIndexRequest(from, to, term, anyLong(random));
            case 11 -> new Message.ReadIndexResponse(from, to, term, anyLong(random), anyLong(random));
            case 12 -> new Message.ProposeRequest(from, to, term, anyLong(random),
                    entries(random).stream().map(LogEntry::payload).toList());
            case 13 -> new Message.ProposeResponse(from, to, term, anyLong(random), anyLong(random),
                    random.nextInt(Integer.MAX_VALUE), random.nextBoolean() ? null
                            : Rejection.values()[random.nextInt(Rejection.values().length)]);
            default -> new Message.TimeoutNow(from, to, term);
        };
    }

    /** A long whose varint takes anywhere from 1 to 9 bytes; a tenth of them negative. */
    private static long anyLong(Random random) {
        if (random.nextInt(10) == 0) {
            return random.nextInt(3) == 0 ? Long.MIN_VALUE : -1 - random.nextInt(1000);
        }
        int bits = random.nextInt(64);
        return bits == 0 ? 0 : random.nextLong() >>> (64 - bits);
    }

    private static long nonNegative(Random random) {
        long value = anyLong(random);
        return value < 0 ? value & Long.MAX_VALUE : value;
    }

    private static List<LogEntry> entries(Random random) {
        int count = random.nextInt(4) == 0 ? 0 : random.nextInt(40);
        List<LogEntry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            EntryKind kind = EntryKind.values()[random.nextInt(EntryKind.values().length)];
            byte[] payload = new byte[random.nextInt(8) == 0 ? random.nextInt(20_000) : random.nextInt(200)];
            random.nextBytes(payload);
            entries.add(new LogEntry(1 + nonNegative(random) % (Long.MAX_VALUE - 1), nonNegative(random), kind, payload));
        }
        return entries;
    }

    private static SnapshotMeta snapshot(Random random) {
        List<Member> members = new ArrayList<>();
        int count = random.nextInt(6);
        for (int i = 0; i < count; i++) {
            members.add(new Member(1 + i * 1000L + random.nextInt(1000), "node-\u00e9" + random.nextInt() + ":7379",
                    random.nextBoolean()));
        }
        Membership membership = new Membership(members);
        if (random.nextInt(5) == 0) {
            return SnapshotMeta.bootstrap(membership);
        }
        return new SnapshotMeta(1 + nonNegative(random) % (Long.MAX_VALUE - 1), nonNegative(random), membership);
    }
}
