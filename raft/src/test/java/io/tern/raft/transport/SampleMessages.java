package io.tern.raft.transport;

import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;
import io.tern.raft.types.EntryKind;
import io.tern.raft.types.LogEntry;
import io.tern.raft.core.Message;
import io.tern.raft.core.Rejection;
import io.tern.raft.core.SnapshotMeta;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** One or more instances of every message record, with edge values where a field allows them. */
final class SampleMessages {

    static final Membership MEMBERSHIP = new Membership(List.of(
            new Member(1, "127.0.0.1:7379", true),
            new Member(2, "node-2.example:7379", true),
            new Member(7, "[::1]:7380", false)));

    private SampleMessages() {
    }

    static List<Message> everyKind() {
        return List.of(
                new Message.PreVote(1, 2, 5, 100, 4),
                new Message.PreVoteResponse(2, 1, 5, true),
                new Message.PreVoteResponse(2, 1, 6, false),
                new Message.RequestVote(1, 3, 5, 100, 4, false),
                new Message.RequestVote(1, 3, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, true),
                new Message.RequestVoteResponse(3, 1, 5, true),
                new Message.RequestVoteResponse(3, 1, 0, false),
                appendEntries(0),
                appendEntries(1),
                appendEntries(50),
                Message.AppendEntriesResponse.accepted(2, 1, 5, 1234),
                Message.AppendEntriesResponse.rejected(2, 1, 5, 99, 3, 80),
                new Message.Heartbeat(1, 2, 5, 77, 9),
                new Message.HeartbeatResponse(2, 1, 5, 9),
                new Message.InstallSnapshot(1, 2, 5, new SnapshotMeta(5000, 4, MEMBERSHIP)),
                new Message.InstallSnapshot(1, 2, 1, SnapshotMeta.bootstrap(Membership.EMPTY)),
                new Message.InstallSnapshotResponse(2, 1, 5, 5000),
                new Message.TimeoutNow(1, 2, 5),
                new Message.ReadIndexRequest(2, 1, 5, 4_611_686_018_427_387_903L),
                new Message.ReadIndexResponse(1, 2, 5, 4_611_686_018_427_387_903L, 1234),
                new Message.ProposeRequest(2, 1, 5, 4_611_686_018_427_387_903L, List.of()),
                new Message.ProposeRequest(2, 1, 5, 7, List.of(new byte[0], "put x".getBytes(), new byte[300])),
                new Message.ProposeResponse(1, 2, 5, 7, 1234, 3, null),
                new Message.ProposeResponse(1, 2, 5, 7, 1234, 1, Rejection.OVERLOADED),
                new Message.ProposeResponse(1, 2, 5, 7, 0, 0, Rejection.NOT_LEADER));
    }

    /** An AppendEntries with {@code count} entries of every kind and varied payload sizes (some empty). */
    static Message.AppendEntries appendEntries(int count) {
        List<LogEntry> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long index = 11 + i;
            entries.add(switch (i % 3) {
                case 0 -> new LogEntry(index, 5, EntryKind.COMMAND, ("put k" + i + " v" + i).getBytes(StandardCharsets.UTF_8));
                case 1 -> LogEntry.noop(index, 5);
                default -> new LogEntry(index, 5, EntryKind.CONFIG, MEMBERSHIP.encode());
            });
        }
        return new Message.AppendEntries(1, 2, 5, 10, 4, entries, 9);
    }

    /** An AppendEntries carrying one entry with a payload of {@code bytes} patterned bytes. */
    static Message.AppendEntries appendEntriesWithPayload(int bytes) {
        byte[] payload = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            payload[i] = (byte) (i * 31 + 7);
        }
        return new Message.AppendEntries(1, 2, 5, 10, 4, List.of(new LogEntry(11, 5, EntryKind.COMMAND, payload)), 9);
    }
}
