package io.tern.raft.transport;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Output;
import io.tern.raft.core.Message.AppendEntries;
import io.tern.raft.core.Message.AppendEntriesResponse;
import io.tern.raft.core.Message.Heartbeat;
import io.tern.raft.core.Message.HeartbeatResponse;
import io.tern.raft.core.Message.InstallSnapshot;
import io.tern.raft.core.Message.InstallSnapshotResponse;
import io.tern.raft.core.Message.PreVote;
import io.tern.raft.core.Message.PreVoteResponse;
import io.tern.raft.core.Message.ProposeRequest;
import io.tern.raft.core.Message.ProposeResponse;
import io.tern.raft.core.Message.ReadIndexRequest;
import io.tern.raft.core.Message.ReadIndexResponse;
import io.tern.raft.core.Message.RequestVote;
import io.tern.raft.core.Message.RequestVoteResponse;
import io.tern.raft.core.Message.TimeoutNow;
import io.tern.raft.core.Rejection;
import io.tern.raft.core.SnapshotMeta;
import io.tern.raft.types.EntryKind;
import io.tern.raft.types.LogEntry;
import io.tern.raft.types.Membership;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link VersionedSerializer} of every Raft message and of the values inside them. Fields are
 * listed in wire order; every message starts with {@code from, to, term}. Integers are Kryo's
 * unsigned varints (one byte below 128, nine at most), booleans one byte (0 or 1).
 *
 * <pre>
 * PreVote                  := from | to | term | lastLogIndex | lastLogTerm
 * PreVoteResponse, RequestVoteResponse := from | to | term | granted
 * RequestVote              := from | to | term | lastLogIndex | lastLogTerm | leadershipTransfer
 * AppendEntries            := from | to | term | prevLogIndex | prevLogTerm | leaderCommit | varint n | n x LogEntry
 * LogEntry                 := index | term | u8 kind | varint m | m bytes payload
 * AppendEntriesResponse    := from | to | term | success | matchIndex | rejectedIndex | conflictTerm | conflictIndex
 * Heartbeat                := from | to | term | leaderCommit | readContext
 * HeartbeatResponse        := from | to | term | readContext
 * InstallSnapshot          := from | to | term | SnapshotMeta
 * SnapshotMeta             := index | term | varint m | m bytes Membership.encode()
 * InstallSnapshotResponse  := from | to | term | matchIndex
 * TimeoutNow               := from | to | term
 * ReadIndexRequest         := from | to | term | context                (peer protocol version 2)
 * ReadIndexResponse        := from | to | term | context | readIndex    (peer protocol version 2)
 * ProposeRequest           := from | to | term | context | varint n | n x (varint m | m bytes command)
 *                                                                        (peer protocol version 3)
 * ProposeResponse          := from | to | term | context | firstIndex | accepted | u8 rejection
 *                             (0: none, else {@link #REJECTION_CODES}'s position + 1)   (peer protocol version 3)
 * </pre>
 *
 * A membership keeps the one format it has in CONFIG entries and on disk ({@link Membership#encode()}).
 */
final class RaftMessageSerializers {

    /** The fewest bytes a LogEntry object takes (length, index, term, kind, payload length): bounds a count. */
    static final int MIN_LOG_ENTRY_BYTES = 5;

    private RaftMessageSerializers() {
    }

    static final VersionedSerializer<PreVote> PRE_VOTE = new VersionedSerializer<>("PreVote") {
        @Override
        long fieldsSize(PreVote m) {
            return header(m.from(), m.to(), m.term()) + sizeOf(m.lastLogIndex()) + sizeOf(m.lastLogTerm());
        }

        @Override
        void writeFields(Kryo kryo, Output out, PreVote m) {
            writeHeader(out, m.from(), m.to(), m.term());
            out.writeVarLong(m.lastLogIndex(), true);
            out.writeVarLong(m.lastLogTerm(), true);
        }

        @Override
        PreVote readFields(FieldInput in) {
            return new PreVote(in.varLong("from"), in.varLong("to"), in.varLong("term"), in.varLong("lastLogIndex"),
                    in.varLong("lastLogTerm"));
        }
    };

    static final VersionedSerializer<PreVoteResponse> PRE_VOTE_RESPONSE = new VersionedSerializer<>("PreVoteResponse") {
        @Override
        long fieldsSize(PreVoteResponse m) {
            return header(m.from(), m.to(), m.term()) + 1;
        }

        @Override
        void writeFields(Kryo kryo, Output out, PreVoteResponse m) {
            writeHeader(out, m.from(), m.to(), m.term());
            out.writeBoolean(m.granted());
        }

        @Override
        PreVoteResponse readFields(FieldInput in) {
            return new PreVoteResponse(in.varLong("from"), in.varLong("to"), in.varLong("term"), in.bool("granted"));
        }
    };

    static final VersionedSerializer<RequestVote> REQUEST_VOTE = new VersionedSerializer<>("RequestVote") {
        @Override
        long fieldsSize(RequestVote m) {
            return header(m.from(), m.to(), m.term()) + sizeOf(m.lastLogIndex()) + sizeOf(m.lastLogTerm()) + 1;
        }

        @Override
        void writeFields(Kryo kryo, Output out, RequestVote m) {
            writeHeader(out, m.from(), m.to(), m.term());
            out.writeVarLong(m.lastLogIndex(), true);
            out.writeVarLong(m.lastLogTerm(), true);
            out.writeBoolean(m.leadershipTransfer());
        }

        @Override
        RequestVote readFields(FieldInput in) {
            return new RequestVote(in.varLong("from"), in.varLong("to"), in.varLong("term"), in.varLong("lastLogIndex"),
                    in.varLong("lastLogTerm"), in.bool("leadershipTransfer"));
        }
    };

    static final VersionedSerializer<RequestVoteResponse> REQUEST_VOTE_RESPONSE =
            new VersionedSerializer<>("RequestVoteResponse") {
                @Override
                long fieldsSize(RequestVoteResponse m) {
                    return header(m.from(), m.to(), m.term()) + 1;
                }

                @Override
                void writeFields(Kryo kryo, Output out, RequestVoteResponse m) {
                    writeHeader(out, m.from(), m.to(), m.term());
                    out.writeBoolean(m.granted());
                }

                @Override
                RequestVoteResponse readFields(FieldInput in) {
                    return new RequestVoteResponse(in.varLong("from"), in.varLong("to"), in.varLong("term"),
                            in.bool("granted"));
                }
            };

    static final VersionedSerializer<LogEntry> LOG_ENTRY = new VersionedSerializer<>("LogEntry") {
        @Override
        long fieldsSize(LogEntry e) {
            return sizeOf(e.index()) + sizeOf(e.term()) + 1 + sizeOf(e.payload());
        }

        @Override
        void writeFields(Kryo kryo, Output out, LogEntry e) {
            out.writeVarLong(e.index(), true);
            out.writeVarLong(e.term(), true);
            out.writeByte(e.kind().code());
            writeBytes(out, e.payload());
        }

        @Override
        LogEntry readFields(FieldInput in) {
            long index = in.varLong("entry index");
            long term = in.varLong("entry term");
            int kindCode = in.u8("entry kind");
            EntryKind kind;
            try {
                kind = EntryKind.ofCode(kindCode);
            } catch (IllegalArgumentException e) {
                throw in.malformed("entry has unknown kind " + kindCode);
            }
            byte[] payload = in.bytes("entry payload");
            try {
                return new LogEntry(index, term, kind, payload);
            } catch (IllegalArgumentException e) {
                throw in.malformed(e.getMessage(), e);
            }
        }
    };

    static final VersionedSerializer<AppendEntries> APPEND_ENTRIES = new VersionedSerializer<>("AppendEntries") {
        @Override
        long fieldsSize(AppendEntries m) {
            long size = header(m.from(), m.to(), m.term()) + sizeOf(m.prevLogIndex()) + sizeOf(m.prevLogTerm())
                    + sizeOf(m.leaderCommit()) + Output.varIntLength(m.entries().size(), true);
            for (LogEntry entry : m.entries()) {
                size += LOG_ENTRY.encodedSize(entry);
            }
            return size;
        }

        @Override
        void writeFields(Kryo kryo, Output out, AppendEntries m) {
            writeHeader(out, m.from(), m.to(), m.term());
            out.writeVarLong(m.prevLogIndex(), true);
            out.writeVarLong(m.prevLogTerm(), true);
            out.writeVarLong(m.leaderCommit(), true);
            out.writeVarInt(m.entries().size(), true);
            for (LogEntry entry : m.entries()) {
                LOG_ENTRY.write(kryo, out, entry);
            }
        }

        @Override
        AppendEntries readFields(FieldInput in) {
            long from = in.varLong("from");
            long to = in.varLong("to");
            long term = in.varLong("term");
            long prevLogIndex = in.varLong("prevLogIndex");
            long prevLogTerm = in.varLong("prevLogTerm");
            long leaderCommit = in.varLong("leaderCommit");
            // Checked against the smallest possible entry, so a lying count cannot size the list.
            int count = in.count("entry count", MIN_LOG_ENTRY_BYTES);
            List<LogEntry> entries = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                entries.add(in.object(LOG_ENTRY, "entry"));
            }
            return new AppendEntries(from, to, term, prevLogIndex, prevLogTerm, entries, leaderCommit);
        }
    };

    static final VersionedSerializer<AppendEntriesResponse> APPEND_ENTRIES_RESPONSE =
            new VersionedSerializer<>("AppendEntriesResponse") {
                @Override
                long fieldsSize(AppendEntriesResponse m) {
                    return header(m.from(), m.to(), m.term()) + 1 + sizeOf(m.matchIndex()) + sizeOf(m.rejectedIndex())
                            + sizeOf(m.conflictTerm()) + sizeOf(m.conflictIndex());
                }

                @Override
                void writeFields(Kryo kryo, Output out, AppendEntriesResponse m) {
                    writeHeader(out, m.from(), m.to(), m.term());
                    out.writeBoolean(m.success());
                    out.writeVarLong(m.matchIndex(), true);
                    out.writeVarLong(m.rejectedIndex(), true);
                    out.writeVarLong(m.conflictTerm(), true);
                    out.writeVarLong(m.conflictIndex(), true);
                }

                @Override
                AppendEntriesResponse readFields(FieldInput in) {
                    return new AppendEntriesResponse(in.varLong("from"), in.varLong("to"), in.varLong("term"),
                            in.bool("success"), in.varLong("matchIndex"), in.varLong("rejectedIndex"),
                            in.varLong("conflictTerm"), in.varLong("conflictIndex"));
                }
            };

    static final VersionedSerializer<Heartbeat> HEARTBEAT = new VersionedSerializer<>("Heartbeat") {
        @Override
        long fieldsSize(Heartbeat m) {
            return header(m.from(), m.to(), m.term()) + sizeOf(m.leaderCommit()) + sizeOf(m.readContext());
        }

        @Override
        void writeFields(Kryo kryo, Output out, Heartbeat m) {
            writeHeader(out, m.from(), m.to(), m.term());
            out.writeVarLong(m.leaderCommit(), true);
            out.writeVarLong(m.readContext(), true);
        }

        @Override
        Heartbeat readFields(FieldInput in) {
            return new Heartbeat(in.varLong("from"), in.varLong("to"), in.varLong("term"), in.varLong("leaderCommit"),
                    in.varLong("readContext"));
        }
    };

    static final VersionedSerializer<HeartbeatResponse> HEARTBEAT_RESPONSE =
            new VersionedSerializer<>("HeartbeatResponse") {
                @Override
                long fieldsSize(HeartbeatResponse m) {
                    return header(m.from(), m.to(), m.term()) + sizeOf(m.readContext());
                }

                @Override
                void writeFields(Kryo kryo, Output out, HeartbeatResponse m) {
                    writeHeader(out, m.from(), m.to(), m.term());
                    out.writeVarLong(m.readContext(), true);
                }

                @Override
                HeartbeatResponse readFields(FieldInput in) {
                    return new HeartbeatResponse(in.varLong("from"), in.varLong("to"), in.varLong("term"),
                            in.varLong("readContext"));
                }
            };

    static final VersionedSerializer<SnapshotMeta> SNAPSHOT_META = new VersionedSerializer<>("SnapshotMeta") {
        @Override
        long fieldsSize(SnapshotMeta s) {
            return sizeOf(s.index()) + sizeOf(s.term()) + sizeOf(s.membership().encode());
        }

        @Override
        void writeFields(Kryo kryo, Output out, SnapshotMeta s) {
            out.writeVarLong(s.index(), true);
            out.writeVarLong(s.term(), true);
            writeBytes(out, s.membership().encode());
        }

        @Override
        SnapshotMeta readFields(FieldInput in) {
            long index = in.varLong("snapshot index");
            long term = in.varLong("snapshot term");
            byte[] membership = in.bytes("membership");
            try {
                return new SnapshotMeta(index, term, Membership.decode(membership));
            } catch (IllegalArgumentException e) {
                throw in.malformed(e.getMessage(), e);
            }
        }
    };

    static final VersionedSerializer<InstallSnapshot> INSTALL_SNAPSHOT = new VersionedSerializer<>("InstallSnapshot") {
        @Override
        long fieldsSize(InstallSnapshot m) {
            return header(m.from(), m.to(), m.term()) + SNAPSHOT_META.encodedSize(m.snapshot());
        }

        @Override
        void writeFields(Kryo kryo, Output out, InstallSnapshot m) {
            writeHeader(out, m.from(), m.to(), m.term());
            SNAPSHOT_META.write(kryo, out, m.snapshot());
        }

        @Override
        InstallSnapshot readFields(FieldInput in) {
            return new InstallSnapshot(in.varLong("from"), in.varLong("to"), in.varLong("term"),
                    in.object(SNAPSHOT_META, "snapshot"));
        }
    };

    static final VersionedSerializer<InstallSnapshotResponse> INSTALL_SNAPSHOT_RESPONSE =
            new VersionedSerializer<>("InstallSnapshotResponse") {
                @Override
                long fieldsSize(InstallSnapshotResponse m) {
                    return header(m.from(), m.to(), m.term()) + sizeOf(m.matchIndex());
                }

                @Override
                void writeFields(Kryo kryo, Output out, InstallSnapshotResponse m) {
                    writeHeader(out, m.from(), m.to(), m.term());
                    out.writeVarLong(m.matchIndex(), true);
                }

                @Override
                InstallSnapshotResponse readFields(FieldInput in) {
                    return new InstallSnapshotResponse(in.varLong("from"), in.varLong("to"), in.varLong("term"),
                            in.varLong("matchIndex"));
                }
            };

    static final VersionedSerializer<TimeoutNow> TIMEOUT_NOW = new VersionedSerializer<>("TimeoutNow") {
        @Override
        long fieldsSize(TimeoutNow m) {
            return header(m.from(), m.to(), m.term());
        }

        @Override
        void writeFields(Kryo kryo, Output out, TimeoutNow m) {
            writeHeader(out, m.from(), m.to(), m.term());
        }

        @Override
        TimeoutNow readFields(FieldInput in) {
            return new TimeoutNow(in.varLong("from"), in.varLong("to"), in.varLong("term"));
        }
    };

    static final VersionedSerializer<ReadIndexRequest> READ_INDEX_REQUEST =
            new VersionedSerializer<>("ReadIndexRequest") {
                @Override
                long fieldsSize(ReadIndexRequest m) {
                    return header(m.from(), m.to(), m.term()) + sizeOf(m.context());
                }

                @Override
                void writeFields(Kryo kryo, Output out, ReadIndexRequest m) {
                    writeHeader(out, m.from(), m.to(), m.term());
                    out.writeVarLong(m.context(), true);
                }

                @Override
                ReadIndexRequest readFields(FieldInput in) {
                    return new ReadIndexRequest(in.varLong("from"), in.varLong("to"), in.varLong("term"),
                            in.varLong("context"));
                }
            };

    static final VersionedSerializer<ReadIndexResponse> READ_INDEX_RESPONSE =
            new VersionedSerializer<>("ReadIndexResponse") {
                @Override
                long fieldsSize(ReadIndexResponse m) {
                    return header(m.from(), m.to(), m.term()) + sizeOf(m.context()) + sizeOf(m.readIndex());
                }

                @Override
                void writeFields(Kryo kryo, Output out, ReadIndexResponse m) {
                    writeHeader(out, m.from(), m.to(), m.term());
                    out.writeVarLong(m.context(), true);
                    out.writeVarLong(m.readIndex(), true);
                }

                @Override
                ReadIndexResponse readFields(FieldInput in) {
                    return new ReadIndexResponse(in.varLong("from"), in.varLong("to"), in.varLong("term"),
                            in.varLong("context"), in.varLong("readIndex"));
                }
            };

    /** A refusal's code on the wire is its position here plus one: wire format, so only ever append. */
    static final List<Rejection> REJECTION_CODES = List.of(Rejection.NOT_LEADER,
            Rejection.LEADERSHIP_TRANSFER_IN_PROGRESS, Rejection.CONFIG_CHANGE_PENDING, Rejection.INVALID_CONFIG_CHANGE,
            Rejection.NOT_A_VOTER, Rejection.OVERLOADED, Rejection.UNHEALTHY_CLUSTER, Rejection.LEARNER_NOT_CAUGHT_UP,
            Rejection.TOO_LARGE);

    static int rejectionCode(Rejection rejection) {
        if (rejection == null) {
            return 0;
        }
        int position = REJECTION_CODES.indexOf(rejection);
        if (position < 0) {
            throw new IllegalStateException("refusal " + rejection + " has no wire code: append it to REJECTION_CODES");
        }
        return position + 1;
    }

    static final VersionedSerializer<ProposeRequest> PROPOSE_REQUEST = new VersionedSerializer<>("ProposeRequest") {
        @Override
        long fieldsSize(ProposeRequest m) {
            long size = header(m.from(), m.to(), m.term()) + sizeOf(m.context())
                    + Output.varIntLength(m.commands().size(), true);
            for (byte[] command : m.commands()) {
                size += sizeOf(command);
            }
            return size;
        }

        @Override
        void writeFields(Kryo kryo, Output out, ProposeRequest m) {
            writeHeader(out, m.from(), m.to(), m.term());
            out.writeVarLong(m.context(), true);
            out.writeVarInt(m.commands().size(), true);
            for (byte[] command : m.commands()) {
                writeBytes(out, command);
            }
        }

        @Override
        ProposeRequest readFields(FieldInput in) {
            long from = in.varLong("from");
            long to = in.varLong("to");
            long term = in.varLong("term");
            long context = in.varLong("context");
            // An empty command takes one byte (its length): a lying count cannot size the list.
            int count = in.count("command count", 1);
            List<byte[]> commands = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                commands.add(in.bytes("command"));
            }
            return new ProposeRequest(from, to, term, context, commands);
        }
    };

    static final VersionedSerializer<ProposeResponse> PROPOSE_RESPONSE = new VersionedSerializer<>("ProposeResponse") {
        @Override
        long fieldsSize(ProposeResponse m) {
            return header(m.from(), m.to(), m.term()) + sizeOf(m.context()) + sizeOf(m.firstIndex())
                    + sizeOf(m.accepted()) + 1;
        }

        @Override
        void writeFields(Kryo kryo, Output out, ProposeResponse m) {
            writeHeader(out, m.from(), m.to(), m.term());
            out.writeVarLong(m.context(), true);
            out.writeVarLong(m.firstIndex(), true);
            out.writeVarLong(m.accepted(), true);
            out.writeByte(rejectionCode(m.rejection()));
        }

        @Override
        ProposeResponse readFields(FieldInput in) {
            long from = in.varLong("from");
            long to = in.varLong("to");
            long term = in.varLong("term");
            long context = in.varLong("context");
            long firstIndex = in.varLong("firstIndex");
            long accepted = in.varLong("accepted");
            if (accepted < 0 || accepted > Integer.MAX_VALUE) {
                throw in.malformed("accepted count " + accepted + " is out of range");
            }
            int code = in.u8("rejection");
            if (code > REJECTION_CODES.size()) {
                throw in.malformed("unknown rejection code " + code);
            }
            return new ProposeResponse(from, to, term, context, firstIndex, (int) accepted,
                    code == 0 ? null : REJECTION_CODES.get(code - 1));
        }
    };

    private static long header(long from, long to, long term) {
        return VersionedSerializer.sizeOf(from) + VersionedSerializer.sizeOf(to) + VersionedSerializer.sizeOf(term);
    }

    private static void writeHeader(Output out, long from, long to, long term) {
        out.writeVarLong(from, true);
        out.writeVarLong(to, true);
        out.writeVarLong(term, true);
    }
}
