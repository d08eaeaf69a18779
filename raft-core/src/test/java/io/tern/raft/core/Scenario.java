package io.tern.raft.core;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;
import io.tern.raft.types.EntryKind;
import io.tern.raft.types.LogEntry;
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
import io.tern.raft.sim.MemoryStorage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Runs a small text script against a cluster of cores with synchronous "disks", in the spirit of
 * etcd-io/raft's data-driven tests. One command per line; {@code #} starts a comment; lines starting
 * with {@code >} are the exact output expected from the command above them.
 *
 * <pre>
 * cluster 1 2 3 [learner 4] [spare 5]  voters, learners, and empty nodes waiting to be added
 * option preVote=false checkQuorum=false election=10 heartbeat=1 inflight=256 maxAppendBytes=N snapshotTimeout=N
 *        maxUncommittedBytes=N maxEntryBytes=N
 * log 1 1 1 2                          before start: node 1's log holds entries of terms 1, 1, 2
 * term 1 3 [vote 2]                    before start: node 1's durable term (and vote)
 * start                                build the cores (a cluster without presets starts itself)
 * campaign 1 | tick 1 [n] | tick-all [n] | elect 1 (campaign + stabilize)
 * propose 1 x | config 1 add-learner 4 | add-voter 4 | promote 4 | demote 4 | remove 4
 * read 1 r1 | transfer 1 3 | snapshot 1 [compact] | report-unreachable 1 2 | report-snapshot 1 2 ok|fail
 * applier-behind 1 on|off              node 1's driver reports its state machine behind, or caught up
 * process [nodes]        do each node's Ready: persist, queue its messages, apply, advance
 * deliver [F->T] [Type]  step queued messages that match into their receivers (one pass, may queue more)
 * drop [F->T] [Type]     discard queued messages that match
 * stabilize [nodes]      process and deliver until nothing moves
 * msgs                   print the queued messages
 * partition 1 | 2 3, isolate 1, heal, crash 1, restart 1
 * expect 1 role=LEADER term=2 lead=1 commit=3 applied=3 last=3 first=1 vote=1 voters=1,2,3
 * expect-log 1 1/1 2/1 3/2      the (index/term) of every entry node 1 holds, from its first
 * expect-applied 1 x y          the commands node 1 applied, in order
 * expect-reads 1 r1@3           the reads node 1 reported safe since the last expect-reads (read ids @ index)
 * status [nodes]                print role/term/commit/last of nodes
 * repeat N cmd; cmd             run the commands N times
 * </pre>
 */
final class Scenario {

    private final List<Long> voters = new ArrayList<>();
    private final List<Long> learners = new ArrayList<>();
    private final List<Long> spares = new ArrayList<>();
    private final Map<Long, List<LogEntry>> presetLogs = new HashMap<>();
    private final Map<Long, HardState> presetHard = new HashMap<>();
    private final Map<String, String> options = new HashMap<>();

    private final Map<Long, Node> nodes = new TreeMap<>();
    private final List<Message> queue = new ArrayList<>();
    private final Set<Long> crashed = new HashSet<>();
    private final Map<Long, Integer> partitionGroup = new HashMap<>();
    /** Snapshot contents by (index, term): the commands applied up to there. */
    private final Map<String, List<String>> snapshots = new HashMap<>();
    private final Random random = new Random(7);
    private final StringBuilder out = new StringBuilder();

    private final class Node {
        final long id;
        final MemoryStorage storage;
        RaftCore core;
        List<String> applied = new ArrayList<>();
        Membership appliedMembership;
        final List<String> reads = new ArrayList<>();
        final Map<Long, String> readNames = new HashMap<>();
        Ready unpersisted;

        Node(long id, MemoryStorage storage) {
            this.id = id;
            this.storage = storage;
        }

        void boot() {
            String key = storage.snapshot().index() + "/" + storage.snapshot().term();
            applied = new ArrayList<>(snapshots.getOrDefault(key, List.of()));
            appliedMembership = storage.snapshot().membership();
            core = RaftCore.start(config(id), storage, new Random(random.nextLong()));
        }
    }

    static void run(String script) {
        new Scenario().execute(script);
    }

    private void execute(String script) {
        String[] lines = script.strip().split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(">")) {
                continue;
            }
            List<String> expected = new ArrayList<>();
            int j = i + 1;
            while (j < lines.length && lines[j].strip().startsWith(">")) {
                expected.add(lines[j].strip().substring(1).strip());
                j++;
            }
            out.setLength(0);
            try {
                command(line);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("line " + (i + 1) + ": " + line + "\n" + e.getMessage() + "\n" + dump(), e);
            }
            if (j > i + 1) {
                List<String> actual = out.isEmpty() ? List.of() : Arrays.asList(out.toString().strip().split("\n"));
                if (!actual.equals(expected)) {
                    throw new AssertionError("line " + (i + 1) + ": " + line + "\nexpected:\n  " + String.join("\n  ", expected)
                            + "\nactual:\n  " + String.join("\n  ", actual));
                }
            }
        }
    }

    private String dump() {
        StringBuilder b = new StringBuilder("cluster state:\n");
        for (Node n : nodes.values()) {
            b.append("  ").append(crashed.contains(n.id) ? "(crashed) " + n.id : n.core.toString()).append(' ')
                    .append(describeLog(n)).append('\n');
        }
        b.append("  queued: ").append(queue.stream().map(Scenario::describe).collect(Collectors.joining("; ")));
        return b.toString();
    }

    // ------------------------------------------------------------------ commands

    private void command(String line) {
        String[] w = line.split("\\s+");
        switch (w[0]) {
            case "repeat" -> {
                String body = line.replaceFirst("^repeat\\s+\\d+\\s+", "");
                for (int i = 0; i < Integer.parseInt(w[1]); i++) {
                    for (String part : body.split(";")) {
                        command(part.strip());
                    }
                }
            }
            case "cluster" -> cluster(w);
            case "option" -> {
                for (int i = 1; i < w.length; i++) {
                    String[] kv = w[i].split("=");
                    options.put(kv[0], kv[1]);
                }
            }
            case "log" -> {
                List<LogEntry> entries = new ArrayList<>();
                for (int i = 2; i < w.length; i++) {
                    entries.add(new LogEntry(i - 1, Long.parseLong(w[i]), EntryKind.COMMAND, ("t" + w[i]).getBytes(UTF_8)));
                }
                presetLogs.put(id(w[1]), entries);
            }
            case "term" -> presetHard.put(id(w[1]),
                    new HardState(Long.parseLong(w[2]), w.length > 4 ? Long.parseLong(w[4]) : RaftCore.NONE, 0));
            case "start" -> start();
            case "campaign" -> core(w[1]).campaign();
            case "elect" -> {
                core(w[1]).campaign();
                stabilize(all());
            }
            case "tick" -> {
                int n = w.length > 2 ? Integer.parseInt(w[2]) : 1;
                for (int i = 0; i < n; i++) {
                    core(w[1]).tick();
                }
            }
            case "tick-all" -> {
                int n = w.length > 1 ? Integer.parseInt(w[1]) : 1;
                for (int i = 0; i < n; i++) {
                    for (Node node : live()) {
                        node.core.tick();
                    }
                }
            }
            case "propose" -> print(describe(core(w[1]).propose(w[2].getBytes(UTF_8))));
            case "config" -> print(describe(core(w[1]).proposeMembership(changed(core(w[1]).membership(), w[2], id(w[3])))));
            case "read" -> {
                Node node = node(w[1]);
                long readId = 1000 + node.readNames.size();
                node.readNames.put(readId, w[2]);
                core(w[1]).readIndex(readId).ifPresent(r -> print(r.toString()));
            }
            case "transfer" -> core(w[1]).transferLeadership(id(w[2])).ifPresent(r -> print(r.toString()));
            case "snapshot" -> snapshot(node(w[1]), w.length > 2 && w[2].equals("compact"));
            case "report-unreachable" -> core(w[1]).reportUnreachable(id(w[2]));
            case "report-snapshot" -> core(w[1]).reportSnapshot(id(w[2]), w[3].equals("ok"));
            case "applier-behind" -> core(w[1]).applierBehind(w[2].equals("on"));
            case "ready-unpersisted" -> {
                Node node = node(w[1]);
                node.unpersisted = node.core.ready();
                queue.addAll(node.unpersisted.messages());
            }
            case "persist" -> {
                Node node = node(w[1]);
                finish(node, node.unpersisted);
                node.unpersisted = null;
            }
            case "duplicate" -> {
                Predicate<Message> f = filter(w);
                queue.addAll(queue.stream().filter(f).toList());
            }
            case "process" -> {
                for (Node node : select(w, 1)) {
                    process(node);
                }
            }
            case "deliver" -> deliver(filter(w), false);
            case "drop" -> deliver(filter(w), true);
            case "stabilize" -> stabilize(select(w, 1));
            case "msgs" -> queue.forEach(m -> print(describe(m)));
            case "partition" -> partition(line.substring("partition".length()));
            case "isolate" -> {
                partitionGroup.clear();
                for (long id : nodes.keySet()) {
                    partitionGroup.put(id, id == id(w[1]) ? 1 : 2);
                }
            }
            case "heal" -> partitionGroup.clear();
            case "crash" -> {
                crashed.add(id(w[1]));
                queue.removeIf(m -> m.to() == id(w[1]) || m.from() == id(w[1]));
            }
            case "restart" -> {
                crashed.remove(id(w[1]));
                node(w[1]).boot();
            }
            case "expect" -> expect(w);
            case "expect-log" -> {
                String actual = describeLog(node(w[1]));
                String expected = String.join(" ", Arrays.copyOfRange(w, 2, w.length));
                check(actual.equals(expected), "node " + w[1] + " log: expected [" + expected + "] but was [" + actual + "]");
            }
            case "expect-applied" -> {
                String actual = String.join(" ", node(w[1]).applied);
                String expected = String.join(" ", Arrays.copyOfRange(w, 2, w.length));
                check(actual.equals(expected), "node " + w[1] + " applied: expected [" + expected + "] but was [" + actual + "]");
            }
            case "expect-reads" -> {
                Node node = node(w[1]);
                String actual = String.join(" ", node.reads);
                String expected = String.join(" ", Arrays.copyOfRange(w, 2, w.length));
                node.reads.clear();
                check(actual.equals(expected), "node " + w[1] + " reads: expected [" + expected + "] but was [" + actual + "]");
            }
            case "status" -> {
                for (Node node : select(w, 1)) {
                    Status s = node.core.status();
                    print(node.id + " " + s.role() + " term=" + s.term() + " lead=" + s.leaderId() + " commit="
                            + s.commitIndex() + " last=" + s.lastIndex());
                }
            }
            default -> throw new IllegalArgumentException("unknown command " + w[0]);
        }
    }

    private void cluster(String[] w) {
        List<Long> target = voters;
        for (int i = 1; i < w.length; i++) {
            switch (w[i]) {
                case "learner" -> target = learners;
                case "spare" -> target = spares;
                default -> target.add(id(w[i]));
            }
        }
    }

    private RaftConfig config(long id) {
        RaftConfig c = RaftConfig.defaults(id)
                .withTicks(intOption("election", 10), intOption("heartbeat", 1))
                .withPreVote(Boolean.parseBoolean(options.getOrDefault("preVote", "true")))
                .withCheckQuorum(Boolean.parseBoolean(options.getOrDefault("checkQuorum", "true")))
                .withReplicationLimits(intOption("inflight", 256), intOption("maxAppendBytes", 1 << 20))
                .withSnapshotTimeoutTicks(intOption("snapshotTimeout", 100))
                .withMaxUncommittedBytes(intOption("maxUncommittedBytes", 1 << 20))
                .withMaxEntryBytes(intOption("maxEntryBytes", RaftConfig.MAX_ENTRY_BYTES));
        return c;
    }

    private int intOption(String name, int fallback) {
        return Integer.parseInt(options.getOrDefault(name, Integer.toString(fallback)));
    }

    private void start() {
        List<Member> members = new ArrayList<>();
        voters.forEach(id -> members.add(new Member(id, "n" + id, true)));
        learners.forEach(id -> members.add(new Member(id, "n" + id, false)));
        Membership bootstrap = new Membership(members);
        List<Long> all = new ArrayList<>(voters);
        all.addAll(learners);
        all.addAll(spares);
        for (long id : all) {
            Membership initial = spares.contains(id) ? Membership.EMPTY : bootstrap;
            MemoryStorage storage = new MemoryStorage(initial, presetHard.getOrDefault(id, HardState.INITIAL),
                    presetLogs.getOrDefault(id, List.of()));
            Node node = new Node(id, storage);
            node.boot();
            nodes.put(id, node);
        }
    }

    private Membership changed(Membership current, String op, long id) {
        return switch (op) {
            case "add-learner" -> current.with(new Member(id, "n" + id, false));
            case "add-voter", "promote" -> current.with(new Member(id, "n" + id, true));
            case "demote" -> current.with(new Member(id, "n" + id, false));
            case "remove" -> current.without(id);
            default -> throw new IllegalArgumentException("unknown config op " + op);
        };
    }

    private void snapshot(Node node, boolean compact) {
        long index = node.core.status().appliedIndex();
        node.storage.takeSnapshot(index, node.appliedMembership);
        SnapshotMeta meta = node.storage.snapshot();
        snapshots.put(meta.index() + "/" + meta.term(), List.copyOf(node.applied));
        if (compact) {
            node.storage.compact(index + 1);
        }
    }

    // ------------------------------------------------------------------ driving

    private void process(Node node) {
        if (crashed.contains(node.id) || !node.core.hasReady()) {
            return;
        }
        Ready ready = node.core.ready();
        queue.addAll(ready.messages());
        finish(node, ready);
    }

    /** The rest of a Ready, once its immediate messages are out: persist, then the rest, then advance. */
    private void finish(Node node, Ready ready) {
        node.storage.persist(ready);
        ready.snapshot().ifPresent(s -> {
            node.applied = new ArrayList<>(snapshots.get(s.index() + "/" + s.term()));
            node.appliedMembership = s.membership();
        });
        queue.addAll(ready.messagesAfterPersist());
        for (LogEntry entry : ready.committedEntries()) {
            if (entry.kind() == EntryKind.COMMAND) {
                node.applied.add(new String(entry.payload(), UTF_8));
            } else if (entry.kind() == EntryKind.CONFIG) {
                node.appliedMembership = Membership.decode(entry.payload());
            }
        }
        for (ReadState read : ready.readStates()) {
            node.reads.add(node.readNames.get(read.readId()) + "@" + read.index());
        }
        for (long abandoned : ready.abandonedReads()) {
            node.reads.add(node.readNames.get(abandoned) + "@abandoned");
        }
        node.core.advance(ready);
    }

    private boolean deliver(Predicate<Message> filter, boolean drop) {
        List<Message> batch = new ArrayList<>();
        queue.removeIf(m -> filter.test(m) && batch.add(m));
        for (Message m : batch) {
            if (drop || crashed.contains(m.to()) || crashed.contains(m.from()) || cut(m.from(), m.to())) {
                continue;
            }
            nodes.get(m.to()).core.step(m);
        }
        return !batch.isEmpty();
    }

    private void stabilize(List<Node> which) {
        Set<Long> ids = which.stream().map(n -> n.id).collect(Collectors.toSet());
        for (int round = 0; round < 1000; round++) {
            boolean moved = false;
            for (Node node : which) {
                if (!crashed.contains(node.id) && node.core.hasReady()) {
                    process(node);
                    moved = true;
                }
            }
            moved |= deliver(m -> ids.contains(m.from()) && ids.contains(m.to()), false);
            if (!moved) {
                return;
            }
        }
        throw new AssertionError("stabilize did not settle");
    }

    private boolean cut(long a, long b) {
        return !partitionGroup.isEmpty() && !partitionGroup.get(a).equals(partitionGroup.get(b));
    }

    private void partition(String spec) {
        partitionGroup.clear();
        String[] groups = spec.split("\\|");
        for (int g = 0; g < groups.length; g++) {
            for (String id : groups[g].strip().split("\\s+")) {
                partitionGroup.put(id(id), g);
            }
        }
        for (long id : nodes.keySet()) {
            partitionGroup.putIfAbsent(id, groups.length);
        }
    }

    private Predicate<Message> filter(String[] w) {
        Predicate<Message> p = m -> true;
        for (int i = 1; i < w.length; i++) {
            String f = w[i];
            if (f.equals("first")) {
                Predicate<Message> before = p;
                Message[] first = {null};
                p = m -> {
                    if (first[0] == null && before.test(m)) {
                        first[0] = m;
                        return true;
                    }
                    return false;
                };
            } else if (f.contains("=")) {
                p = p.and(m -> (describe(m) + " ").contains(" " + f + " "));
            } else if (f.contains("->")) {
                String[] ft = f.split("->");
                Predicate<Message> q = m -> (ft[0].equals("*") || m.from() == id(ft[0]))
                        && (ft.length < 2 || ft[1].equals("*") || m.to() == id(ft[1]));
                p = p.and(q);
            } else {
                p = p.and(m -> m.getClass().getSimpleName().equals(f));
            }
        }
        return p;
    }

    // ------------------------------------------------------------------ expectations

    private void expect(String[] w) {
        Node node = node(w[1]);
        Status s = node.core.status();
        Map<String, String> actual = new LinkedHashMap<>();
        actual.put("role", s.role().toString());
        actual.put("term", Long.toString(s.term()));
        actual.put("lead", Long.toString(s.leaderId()));
        actual.put("vote", Long.toString(s.vote()));
        actual.put("commit", Long.toString(s.commitIndex()));
        actual.put("applied", Long.toString(s.appliedIndex()));
        actual.put("last", Long.toString(s.lastIndex()));
        actual.put("first", Long.toString(s.firstIndex()));
        actual.put("voters", s.membership().voterIds().stream().map(String::valueOf).collect(Collectors.joining(",")));
        actual.put("transferee", Long.toString(s.leadTransferee()));
        actual.put("durableTerm", Long.toString(node.storage.hardState().term()));
        actual.put("durableVote", Long.toString(node.storage.hardState().vote()));
        actual.put("durableLast", Long.toString(node.storage.lastIndex()));
        for (int i = 2; i < w.length; i++) {
            String[] kv = w[i].split("=", 2);
            if (kv[0].startsWith("progress")) {
                String peer = kv[0].substring("progress".length());
                String p = node.core.progressOf(id(peer)).orElse("none");
                check(p.startsWith(kv[1]), "node " + w[1] + " progress of " + peer + ": expected " + kv[1] + "… but was " + p);
                continue;
            }
            check(actual.containsKey(kv[0]), "unknown field " + kv[0]);
            check(actual.get(kv[0]).equals(kv[1]),
                    "node " + w[1] + " " + kv[0] + ": expected " + kv[1] + " but was " + actual.get(kv[0]) + " (" + actual + ")");
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }

    // ------------------------------------------------------------------ helpers

    private void print(String line) {
        out.append(line).append('\n');
    }

    private static long id(String s) {
        return Long.parseLong(s);
    }

    private Node node(String s) {
        Node node = nodes.get(id(s));
        if (node == null) {
            throw new IllegalArgumentException("no node " + s + (nodes.isEmpty() ? " (forgot 'start'?)" : ""));
        }
        return node;
    }

    private RaftCore core(String s) {
        if (nodes.isEmpty()) {
            start();
        }
        return node(s).core;
    }

    private List<Node> live() {
        if (nodes.isEmpty()) {
            start();
        }
        return nodes.values().stream().filter(n -> !crashed.contains(n.id)).toList();
    }

    private List<Node> all() {
        return live();
    }

    private List<Node> select(String[] w, int from) {
        if (nodes.isEmpty()) {
            start();
        }
        if (w.length <= from) {
            return new ArrayList<>(nodes.values());
        }
        List<Node> chosen = new ArrayList<>();
        for (int i = from; i < w.length; i++) {
            chosen.add(node(w[i]));
        }
        return chosen;
    }

    private static String describeLog(Node node) {
        RaftCore core = node.core;
        StringBuilder b = new StringBuilder();
        Status s = core.status();
        for (long i = s.firstIndex(); i <= s.lastIndex(); i++) {
            b.append(b.isEmpty() ? "" : " ").append(i).append('/').append(core.termAt(i).orElse(-1));
        }
        return b.toString();
    }

    static String describe(ProposeResult result) {
        return switch (result) {
            case ProposeResult.Accepted a -> "accepted index=" + a.index() + " term=" + a.term();
            case ProposeResult.Rejected r -> "rejected " + r.reason() + " leader=" + r.leaderHint()
                    + (r.detail().isEmpty() ? "" : ": " + r.detail());
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
        };
    }
}
