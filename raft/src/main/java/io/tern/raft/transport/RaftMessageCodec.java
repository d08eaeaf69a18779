package io.tern.raft.transport;

import io.netty.buffer.ByteBuf;
import io.tern.raft.types.Membership;
import io.tern.raft.types.EntryKind;
import io.tern.raft.types.LogEntry;
import io.tern.raft.core.Message;
import io.tern.raft.core.Message.AppendEntries;
import io.tern.raft.core.Message.AppendEntriesResponse;
import io.tern.raft.core.Message.Heartbeat;
import io.tern.raft.core.Message.HeartbeatResponse;
import io.tern.raft.core.Message.InstallSnapshot;
import io.tern.raft.core.Message.InstallSnapshotResponse;
import io.tern.raft.core.Message.PreVote;
import io.tern.raft.core.Message.PreVoteResponse;
import io.tern.raft.core.Message.RequestVote;
import io.tern.raft.core.Message.RequestVoteResponse;
import io.tern.raft.core.Message.TimeoutNow;
import io.tern.raft.core.SnapshotMeta;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary form of every Raft {@link Message}, written by hand so that the format is explicit,
 * stable across releases and cheap to check. Integers are big-endian.
 *
 * <pre>
 * message      := u8 tag | u64 from | u64 to | u64 term | fields of the tag
 * PreVote (1), RequestVote (3)      := u64 lastLogIndex | u64 lastLogTerm [| u8 leadershipTransfer (3 only)]
 * PreVoteResponse (2), RequestVoteResponse (4) := u8 granted
 * AppendEntries (5)                 := u64 prevLogIndex | u64 prevLogTerm | u64 leaderCommit | u32 n | n x entry
 * entry                             := u64 index | u64 term | u8 kind | u32 m | m bytes payload
 * AppendEntriesResponse (6)         := u8 success | u64 matchIndex | u64 rejectedIndex | u64 conflictTerm | u64 conflictIndex
 * Heartbeat (7)                     := u64 leaderCommit | u64 readContext
 * HeartbeatResponse (8)             := u64 readContext
 * InstallSnapshot (9)               := u64 index | u64 term | u32 m | m bytes Membership.encode()
 * InstallSnapshotResponse (10)      := u64 matchIndex
 * TimeoutNow (11)                   := (nothing)
 * </pre>
 *
 * Booleans are one byte, 0 or 1. An encoding is exact: {@link #decode} refuses trailing bytes.
 */
public final class RaftMessageCodec {

    // Tags are wire format: never renumber or reuse one.
    private static final int PRE_VOTE = 1;
    private static final int PRE_VOTE_RESPONSE = 2;
    private static final int REQUEST_VOTE = 3;
    private static final int REQUEST_VOTE_RESPONSE = 4;
    private static final int APPEND_ENTRIES = 5;
    private static final int APPEND_ENTRIES_RESPONSE = 6;
    private static final int HEARTBEAT = 7;
    private static final int HEARTBEAT_RESPONSE = 8;
    private static final int INSTALL_SNAPSHOT = 9;
    private static final int INSTALL_SNAPSHOT_RESPONSE = 10;
    private static final int TIMEOUT_NOW = 11;

    /** Tag, from, to and term: what every message starts with. */
    public static final int COMMON_HEADER_BYTES = 1 + 8 + 8 + 8;

    /** What an AppendEntries takes besides its entries; for sizing batches. */
    public static final int APPEND_ENTRIES_FIXED_BYTES = COMMON_HEADER_BYTES + 8 + 8 + 8 + 4;

    /** What one entry takes besides its payload; for sizing batches. */
    public static final int ENTRY_FIXED_BYTES = 8 + 8 + 1 + 4;

    private RaftMessageCodec() {
    }

    /**
     * The exact number of bytes {@link #encode} writes for {@code message}. A long, because an
     * AppendEntries assembled without regard to {@link FrameLimits} may exceed an int.
     */
    public static long encodedSize(Message message) {
        return COMMON_HEADER_BYTES + switch (message) {
            case PreVote m -> 8 + 8;
            case PreVoteResponse m -> 1;
            case RequestVote m -> 8 + 8 + 1;
            case RequestVoteResponse m -> 1;
            case AppendEntries m -> {
                long size = APPEND_ENTRIES_FIXED_BYTES - COMMON_HEADER_BYTES;
                for (LogEntry entry : m.entries()) {
                    size += ENTRY_FIXED_BYTES + entry.payload().length;
                }
                yield size;
            }
            case AppendEntriesResponse m -> 1 + 8 + 8 + 8 + 8;
            case Heartbeat m -> 8 + 8;
            case HeartbeatResponse m -> 8;
            case InstallSnapshot m -> 8 + 8 + 4 + m.snapshot().membership().encode().length;
            case InstallSnapshotResponse m -> 8;
            case TimeoutNow m -> 0;
        };
    }

    /** Appends the encoding of {@code message} to {@code out}. */
    public static void encode(Message message, ByteBuf out) {
        out.writeByte(tagOf(message));
        out.writeLong(message.from());
        out.writeLong(message.to());
        out.writeLong(message.term());
        switch (message) {
            case PreVote m -> out.writeLong(m.lastLogIndex()).writeLong(m.lastLogTerm());
            case PreVoteResponse m -> writeBoolean(out, m.granted());
            case RequestVote m -> {
                out.writeLong(m.lastLogIndex()).writeLong(m.lastLogTerm());
                writeBoolean(out, m.leadershipTransfer());
            }
            case RequestVoteResponse m -> writeBoolean(out, m.granted());
            case AppendEntries m -> {
                out.writeLong(m.prevLogIndex()).writeLong(m.prevLogTerm()).writeLong(m.leaderCommit());
                out.writeInt(m.entries().size());
                for (LogEntry entry : m.entries()) {
                    out.writeLong(entry.index()).writeLong(entry.term()).writeByte(entry.kind().code());
                    out.writeInt(entry.payload().length).writeBytes(entry.payload());
                }
            }
            case AppendEntriesResponse m -> {
                writeBoolean(out, m.success());
                out.writeLong(m.matchIndex()).writeLong(m.rejectedIndex())
                        .writeLong(m.conflictTerm()).writeLong(m.conflictIndex());
            }
            case Heartbeat m -> out.writeLong(m.leaderCommit()).writeLong(m.readContext());
            case HeartbeatResponse m -> out.writeLong(m.readContext());
            case InstallSnapshot m -> {
                byte[] membership = m.snapshot().membership().encode();
                out.writeLong(m.snapshot().index()).writeLong(m.snapshot().term());
                out.writeInt(membership.length).writeBytes(membership);
            }
            case InstallSnapshotResponse m -> out.writeLong(m.matchIndex());
            case TimeoutNow m -> {
            }
        }
    }

    /**
     * Decodes the one message that fills {@code in}'s readable bytes, consuming them.
     *
     * @throws MalformedFrameException if the bytes are not exactly one well-formed message
     */
    public static Message decode(ByteBuf in) {
        FieldReader header = new FieldReader(in, "Raft message");
        int tag = header.u8("tag");
        FieldReader read = new FieldReader(in, nameOf(tag, header));
        long from = read.u64("from");
        long to = read.u64("to");
        long term = read.u64("term");
        Message message = switch (tag) {
            case PRE_VOTE -> new PreVote(from, to, term, read.u64("lastLogIndex"), read.u64("lastLogTerm"));
            case PRE_VOTE_RESPONSE -> new PreVoteResponse(from, to, term, read.bool("granted"));
            case REQUEST_VOTE -> new RequestVote(from, to, term, read.u64("lastLogIndex"), read.u64("lastLogTerm"),
                    read.bool("leadershipTransfer"));
            case REQUEST_VOTE_RESPONSE -> new RequestVoteResponse(from, to, term, read.bool("granted"));
            case APPEND_ENTRIES -> decodeAppendEntries(read, from, to, term);
            case APPEND_ENTRIES_RESPONSE -> new AppendEntriesResponse(from, to, term, read.bool("success"),
                    read.u64("matchIndex"), read.u64("rejectedIndex"), read.u64("conflictTerm"),
                    read.u64("conflictIndex"));
            case HEARTBEAT -> new Heartbeat(from, to, term, read.u64("leaderCommit"), read.u64("readContext"));
            case HEARTBEAT_RESPONSE -> new HeartbeatResponse(from, to, term, read.u64("readContext"));
            case INSTALL_SNAPSHOT -> new InstallSnapshot(from, to, term, decodeSnapshotMeta(read));
            case INSTALL_SNAPSHOT_RESPONSE -> new InstallSnapshotResponse(from, to, term, read.u64("matchIndex"));
            case TIMEOUT_NOW -> new TimeoutNow(from, to, term);
            default -> throw new IllegalStateException("unreachable: nameOf accepted tag " + tag);
        };
        read.requireFullyRead();
        return message;
    }

    private static AppendEntries decodeAppendEntries(FieldReader read, long from, long to, long term) {
        long prevLogIndex = read.u64("prevLogIndex");
        long prevLogTerm = read.u64("prevLogTerm");
        long leaderCommit = read.u64("leaderCommit");
        // Checked against the smallest possible entry, so a lying count cannot size the list.
        int count = read.count("entry count", ENTRY_FIXED_BYTES);
        List<LogEntry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long index = read.u64("entry index");
            long entryTerm = read.u64("entry term");
            int kindCode = read.u8("entry kind");
            EntryKind kind;
            try {
                kind = EntryKind.ofCode(kindCode);
            } catch (IllegalArgumentException e) {
                throw read.malformed("entry " + i + " has unknown kind " + kindCode);
            }
            byte[] payload = read.lengthPrefixedBytes("entry payload");
            try {
                entries.add(new LogEntry(index, entryTerm, kind, payload));
            } catch (IllegalArgumentException e) {
                throw read.malformed("entry " + i + ": " + e.getMessage(), e);
            }
        }
        return new AppendEntries(from, to, term, prevLogIndex, prevLogTerm, entries, leaderCommit);
    }

    private static SnapshotMeta decodeSnapshotMeta(FieldReader read) {
        long index = read.u64("snapshot index");
        long term = read.u64("snapshot term");
        byte[] membership = read.lengthPrefixedBytes("membership");
        try {
            return new SnapshotMeta(index, term, Membership.decode(membership));
        } catch (IllegalArgumentException e) {
            throw read.malformed("snapshot: " + e.getMessage(), e);
        }
    }

    private static void writeBoolean(ByteBuf out, boolean value) {
        out.writeByte(value ? 1 : 0);
    }

    private static int tagOf(Message message) {
        return switch (message) {
            case PreVote m -> PRE_VOTE;
            case PreVoteResponse m -> PRE_VOTE_RESPONSE;
            case RequestVote m -> REQUEST_VOTE;
            case RequestVoteResponse m -> REQUEST_VOTE_RESPONSE;
            case AppendEntries m -> APPEND_ENTRIES;
            case AppendEntriesResponse m -> APPEND_ENTRIES_RESPONSE;
            case Heartbeat m -> HEARTBEAT;
            case HeartbeatResponse m -> HEARTBEAT_RESPONSE;
            case InstallSnapshot m -> INSTALL_SNAPSHOT;
            case InstallSnapshotResponse m -> INSTALL_SNAPSHOT_RESPONSE;
            case TimeoutNow m -> TIMEOUT_NOW;
        };
    }

    private static String nameOf(int tag, FieldReader header) {
        return switch (tag) {
            case PRE_VOTE -> "PreVote";
            case PRE_VOTE_RESPONSE -> "PreVoteResponse";
            case REQUEST_VOTE -> "RequestVote";
            case REQUEST_VOTE_RESPONSE -> "RequestVoteResponse";
            case APPEND_ENTRIES -> "AppendEntries";
            case APPEND_ENTRIES_RESPONSE -> "AppendEntriesResponse";
            case HEARTBEAT -> "Heartbeat";
            case HEARTBEAT_RESPONSE -> "HeartbeatResponse";
            case INSTALL_SNAPSHOT -> "InstallSnapshot";
            case INSTALL_SNAPSHOT_RESPONSE -> "InstallSnapshotResponse";
            case TIMEOUT_NOW -> "TimeoutNow";
            default -> throw header.malformed("unknown message tag " + tag);
        };
    }
}
