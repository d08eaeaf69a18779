package io.tern.raft.core;

import io.tern.raft.types.LogEntry;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * A message between two Raft cores. Every message names its sender, its receiver and the sender's
 * term (for a granted pre-vote, the term the candidate will campaign in).
 *
 * <p>Which messages may leave before the sender's {@link Ready} is durable is decided by
 * {@link #requiresDurableState()}.
 */
public sealed interface Message {

    long from();

    long to();

    long term();

    /**
     * Whether this message vouches for state that must be on disk before it leaves: a vote, an
     * acknowledgement of entries or of a snapshot, a candidate's self-vote, or a reply in a term the
     * node just adopted. {@link Ready} sorts messages by this.
     */
    default boolean requiresDurableState() {
        return switch (this) {
            case RequestVote m -> true;
            case RequestVoteResponse m -> true;
            case AppendEntriesResponse m -> true;
            case HeartbeatResponse m -> true;
            case InstallSnapshotResponse m -> true;
            case PreVote m -> false;
            case PreVoteResponse m -> false;
            case AppendEntries m -> false;
            case Heartbeat m -> false;
            case InstallSnapshot m -> false;
            case TimeoutNow m -> false;
            case ReadIndexRequest m -> false;
            case ReadIndexResponse m -> false;
            case ProposeRequest m -> false;
            case ProposeResponse m -> false;
        };
    }

    /** Asks whether the sender could win an election at {@code term}, without anyone changing term. */
    record PreVote(long from, long to, long term, long lastLogIndex, long lastLogTerm) implements Message {
    }

    /** Granted replies carry the proposed term; refusals carry the responder's term. */
    record PreVoteResponse(long from, long to, long term, boolean granted) implements Message {
    }

    /**
     * A real vote request. {@code leadershipTransfer} is set when the leader asked the candidate to
     * campaign (TimeoutNow): followers then vote even though they just heard from that leader.
     */
    record RequestVote(long from, long to, long term, long lastLogIndex, long lastLogTerm, boolean leadershipTransfer)
            implements Message {
    }

    record RequestVoteResponse(long from, long to, long term, boolean granted) implements Message {
    }

    /**
     * Entries after {@code prevLogIndex}, which must hold {@code prevLogTerm} at the receiver. With no
     * entries it still checks consistency and carries the leader's commit index.
     */
    record AppendEntries(long from, long to, long term, long prevLogIndex, long prevLogTerm, List<LogEntry> entries,
            long leaderCommit) implements Message {
        public AppendEntries {
            entries = List.copyOf(Objects.requireNonNull(entries, "entries"));
        }
    }

    /**
     * On success, {@code matchIndex} is the highest index known to agree with the leader. On refusal,
     * {@code rejectedIndex} is the {@code prevLogIndex} refused, and the hint lets the leader skip a
     * whole term per round trip: {@code conflictTerm} is the receiver's term at that index (0 if its log
     * is shorter) and {@code conflictIndex} the first index the receiver holds of that term (its
     * last index + 1 if its log is shorter).
     */
    record AppendEntriesResponse(long from, long to, long term, boolean success, long matchIndex, long rejectedIndex,
            long conflictTerm, long conflictIndex) implements Message {

        public static AppendEntriesResponse accepted(long from, long to, long term, long matchIndex) {
            return new AppendEntriesResponse(from, to, term, true, matchIndex, 0, 0, 0);
        }

        public static AppendEntriesResponse rejected(long from, long to, long term, long rejectedIndex,
                long conflictTerm, long conflictIndex) {
            return new AppendEntriesResponse(from, to, term, false, 0, rejectedIndex, conflictTerm, conflictIndex);
        }
    }

    /**
     * Keeps followers from campaigning and carries the commit index, capped at what the follower is
     * known to hold so it never commits an entry it has not verified. {@code readContext} names the
     * latest ReadIndex round; the response echoes it.
     */
    record Heartbeat(long from, long to, long term, long leaderCommit, long readContext) implements Message {
    }

    record HeartbeatResponse(long from, long to, long term, long readContext) implements Message {
    }

    /**
     * Tells a follower that needs compacted entries to install the snapshot named by {@code snapshot};
     * the driver streams the snapshot's bytes alongside and steps this message into the receiving core
     * once the bytes have arrived.
     */
    record InstallSnapshot(long from, long to, long term, SnapshotMeta snapshot) implements Message {
    }

    /** {@code matchIndex}: the receiver's log now agrees with the leader up to here. */
    record InstallSnapshotResponse(long from, long to, long term, long matchIndex) implements Message {
    }

    /** Leadership transfer: the target campaigns immediately, skipping pre-vote and its election timer. */
    record TimeoutNow(long from, long to, long term) implements Message {
    }

    /**
     * A follower asks its leader for a read index on behalf of the linearizable reads it gathered
     * under {@code context}, a number the follower chose; the leader answers once it has confirmed
     * that it still leads.
     */
    record ReadIndexRequest(long from, long to, long term, long context) implements Message {
    }

    /**
     * The leader's answer to {@link ReadIndexRequest}: once the asking follower has applied
     * {@code readIndex}, its reads under {@code context} may be served from its own state.
     */
    record ReadIndexResponse(long from, long to, long term, long context, long readIndex) implements Message {
    }

    /**
     * A follower hands its leader the commands its clients proposed to it, gathered under
     * {@code context}, a number the follower chose; the leader appends them in this order.
     */
    record ProposeRequest(long from, long to, long term, long context, List<byte[]> commands) implements Message {
        public ProposeRequest {
            commands = List.copyOf(Objects.requireNonNull(commands, "commands"));
        }

        /** Commands compare by their bytes. */
        @Override
        public boolean equals(Object other) {
            return other instanceof ProposeRequest that && from == that.from && to == that.to && term == that.term
                    && context == that.context && commands.size() == that.commands.size()
                    && IntStream.range(0, commands.size()).allMatch(i -> Arrays.equals(commands.get(i), that.commands.get(i)));
        }

        @Override
        public int hashCode() {
            return Objects.hash(from, to, term, context, commands.stream().mapToInt(Arrays::hashCode).sum());
        }
    }

    /**
     * The leader's answer to {@link ProposeRequest}: the first {@code accepted} commands were appended
     * at {@code firstIndex} onwards, in this message's term; the rest were refused for
     * {@code rejection} (null when all were accepted) and appended nowhere. Like any proposal, an
     * accepted command is committed only if its entry keeps this index and term.
     */
    record ProposeResponse(long from, long to, long term, long context, long firstIndex, int accepted,
            Rejection rejection) implements Message {
    }
}
