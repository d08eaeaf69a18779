package io.tern.raft.core;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.tern.raft.core.Message.AppendEntries;
import io.tern.raft.core.Message.AppendEntriesResponse;
import io.tern.raft.core.Message.Heartbeat;
import io.tern.raft.core.Message.HeartbeatResponse;
import io.tern.raft.core.Message.InstallSnapshot;
import io.tern.raft.core.Message.InstallSnapshotResponse;
import io.tern.raft.core.Message.PreVote;
import io.tern.raft.core.Message.ReadIndexRequest;
import io.tern.raft.core.Message.ReadIndexResponse;
import io.tern.raft.core.Message.PreVoteResponse;
import io.tern.raft.core.Message.ProposeRequest;
import io.tern.raft.core.Message.ProposeResponse;
import io.tern.raft.core.Message.RequestVote;
import io.tern.raft.core.Message.RequestVoteResponse;
import io.tern.raft.core.Message.TimeoutNow;
import io.tern.raft.types.LogEntry;
import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import java.util.stream.Collectors;

/** The stable, one-line-per-fact text that scenario scripts print for the core's values. */
final class ScenarioText {

    private ScenarioText() {
    }

    static String describe(ProposeResult result) {
        return switch (result) {
            case ProposeResult.Accepted a -> "accepted index=" + a.index() + " term=" + a.term();
            case ProposeResult.Rejected r -> "rejected " + r.reason() + " leader=" + r.leaderHint()
                    + (r.detail().isEmpty() ? "" : ": " + r.detail());
            case ProposeResult.Unanswered u -> "unanswered: " + u.reason();
        };
    }

    static String describe(Message message) {
        String head = message.from() + "->" + message.to() + " " + message.getClass().getSimpleName() + " term="
                + message.term();
        return head + switch (message) {
            case PreVote m -> " last=" + m.lastLogIndex() + "/" + m.lastLogTerm();
            case RequestVote m -> " last=" + m.lastLogIndex() + "/" + m.lastLogTerm() + (m.leadershipTransfer() ? " transfer" : "");
            case PreVoteResponse m -> m.granted() ? " granted" : " rejected";
            case RequestVoteResponse m -> m.granted() ? " granted" : " rejected";
            case AppendEntries m -> " prev=" + m.prevLogIndex() + "/" + m.prevLogTerm() + " entries=["
                    + m.entries().stream().map(e -> e.index() + "/" + e.term()).collect(Collectors.joining(" "))
                    + "] commit=" + m.leaderCommit();
            case AppendEntriesResponse m -> m.success() ? " match=" + m.matchIndex()
                    : " reject=" + m.rejectedIndex() + " hint=" + m.conflictIndex() + "/" + m.conflictTerm();
            case Heartbeat m -> " commit=" + m.leaderCommit() + " read=" + m.readContext();
            case HeartbeatResponse m -> " read=" + m.readContext();
            case InstallSnapshot m -> " snapshot=" + m.snapshot().index() + "/" + m.snapshot().term();
            case InstallSnapshotResponse m -> " match=" + m.matchIndex();
            case TimeoutNow m -> "";
            case ReadIndexRequest m -> " context=" + m.context();
            case ReadIndexResponse m -> " context=" + m.context() + " index=" + m.readIndex();
            case ProposeRequest m -> " context=" + m.context() + " commands=["
                    + m.commands().stream().map(c -> new String(c, UTF_8)).collect(Collectors.joining(" ")) + "]";
            case ProposeResponse m -> " context=" + m.context() + " first=" + m.firstIndex() + " accepted="
                    + m.accepted() + (m.rejection() == null ? "" : " rejected " + m.rejection());
        };
    }

    /** index/term of an entry, then what it holds: the command's text, "noop", or the configuration. */
    static String describe(LogEntry entry) {
        String at = entry.index() + "/" + entry.term() + " ";
        return at + switch (entry.kind()) {
            case COMMAND -> new String(entry.payload(), UTF_8);
            case NOOP -> "noop";
            case CONFIG -> "config " + describe(Membership.decode(entry.payload()));
        };
    }

    /** Voters, then learners if any: {@code voters=1,2,3 learners=4}. */
    static String describe(Membership membership) {
        String voters = "voters=" + membership.voterIds().stream().map(String::valueOf).collect(Collectors.joining(","));
        String learners = membership.members().stream().filter(m -> !m.voter()).map(Member::id).map(String::valueOf)
                .collect(Collectors.joining(","));
        return learners.isEmpty() ? voters : voters + " learners=" + learners;
    }

    /** The index/term of every entry the core holds, from its first. */
    static String describeLog(RaftCore core) {
        Status s = core.status();
        List<String> entries = new ArrayList<>();
        for (long i = s.firstIndex(); i <= s.lastIndex(); i++) {
            entries.add(i + "/" + core.termAt(i).orElse(-1));
        }
        return String.join(" ", entries);
    }

    /**
     * A Ready as the steps the driver takes for it, in the order it must take them: send, persist
     * (snapshot, truncation, entries, hard state), send after persist, apply, answer reads.
     */
    static List<String> describe(Ready ready, LongFunction<String> readName, LongFunction<String> proposalName) {
        List<String> lines = new ArrayList<>();
        ready.messages().forEach(m -> lines.add("send " + describe(m)));
        ready.snapshot().ifPresent(s -> lines.add("install snapshot " + s.index() + "/" + s.term() + " " + describe(s.membership())));
        if (ready.truncateFrom() != 0) {
            lines.add("truncate from " + ready.truncateFrom());
        }
        ready.entries().forEach(e -> lines.add("persist " + describe(e)));
        ready.hardState().ifPresent(h -> lines.add("persist hard state term=" + h.term() + " vote=" + h.vote()
                + " commit=" + h.commit()));
        ready.messagesAfterPersist().forEach(m -> lines.add("send after persist " + describe(m)));
        ready.committedEntries().forEach(e -> lines.add("apply " + describe(e)));
        ready.readStates().forEach(r -> lines.add("read " + readName.apply(r.readId()) + " safe at " + r.index()));
        ready.abandonedReads().forEach(id -> lines.add("read " + readName.apply(id) + " abandoned"));
        ready.forwardedProposals().forEach(p -> lines.add("proposal " + proposalName.apply(p.proposalId()) + " "
                + describe(p.result())));
        return lines;
    }
}
