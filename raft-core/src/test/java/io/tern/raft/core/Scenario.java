package io.tern.raft.core;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.tern.raft.sim.MemoryStorage;
import io.tern.raft.types.EntryKind;
import io.tern.raft.types.LogEntry;
import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The world one testdata scenario runs in: a cluster of cores with synchronous "disks", a network
 * that holds their messages until a command delivers them, and the output of the current command.
 * The commands themselves (the scenario language) are in {@link ScenarioCommands}.
 */
final class Scenario {

    final List<Long> voters = new ArrayList<>();
    final List<Long> learners = new ArrayList<>();
    final List<Long> spares = new ArrayList<>();
    final Map<Long, List<LogEntry>> presetLogs = new HashMap<>();
    final Map<Long, HardState> presetHardStates = new HashMap<>();
    final Map<String, String> options = new HashMap<>();

    final ScenarioNetwork network = new ScenarioNetwork();
    private final Map<Long, ScenarioNode> nodes = new TreeMap<>();
    private final Set<Long> crashed = new HashSet<>();
    /** Snapshot contents by (index, term): the commands applied up to there. */
    private final Map<String, List<String>> snapshotContents = new HashMap<>();
    private final Random random = new Random(7);
    private final List<String> output = new ArrayList<>();

    /** Runs one command line and returns what it printed ({@code ok} if nothing). */
    List<String> run(String commandLine) {
        output.clear();
        ScenarioCommands.execute(this, ScenarioArgs.parse(commandLine));
        return output.isEmpty() ? List.of("ok") : List.copyOf(output);
    }

    void print(String line) {
        output.add(line);
    }

    // ------------------------------------------------------------------ nodes

    /** Builds the cores from the cluster and presets; commands that need a node start a cluster without presets. */
    void start() {
        List<Member> members = new ArrayList<>();
        voters.forEach(id -> members.add(new Member(id, "n" + id, true)));
        learners.forEach(id -> members.add(new Member(id, "n" + id, false)));
        Membership bootstrap = new Membership(members);
        List<Long> all = new ArrayList<>(voters);
        all.addAll(learners);
        all.addAll(spares);
        for (long id : all) {
            Membership initial = spares.contains(id) ? Membership.EMPTY : bootstrap;
            MemoryStorage storage = new MemoryStorage(initial, presetHardStates.getOrDefault(id, HardState.INITIAL),
                    presetLogs.getOrDefault(id, List.of()));
            ScenarioNode node = new ScenarioNode(id, storage);
            boot(node);
            nodes.put(id, node);
        }
    }

    private void boot(ScenarioNode node) {
        node.boot(config(node.id), snapshotContents, new Random(random.nextLong()));
    }

    private RaftConfig config(long id) {
        return RaftConfig.defaults(id)
                .withTicks(intOption("election", 10), intOption("heartbeat", 1))
                .withPreVote(Boolean.parseBoolean(options.getOrDefault("preVote", "true")))
                .withCheckQuorum(Boolean.parseBoolean(options.getOrDefault("checkQuorum", "true")))
                .withReplicationLimits(intOption("inflight", 256), intOption("maxAppendBytes", 1 << 20))
                .withSnapshotTimeoutTicks(intOption("snapshotTimeout", 100))
                .withMaxUncommittedBytes(intOption("maxUncommittedBytes", 1 << 20))
                .withMaxEntryBytes(intOption("maxEntryBytes", RaftConfig.MAX_ENTRY_BYTES));
    }

    private int intOption(String name, int fallback) {
        return Integer.parseInt(options.getOrDefault(name, Integer.toString(fallback)));
    }

    private void startIfNeeded() {
        if (nodes.isEmpty()) {
            start();
        }
    }

    ScenarioNode node(long id) {
        startIfNeeded();
        ScenarioNode node = nodes.get(id);
        if (node == null) {
            throw new IllegalArgumentException("no node " + id);
        }
        return node;
    }

    RaftCore core(long id) {
        return node(id).core;
    }

    Set<Long> nodeIds() {
        startIfNeeded();
        return nodes.keySet();
    }

    /** The named nodes, or all of them when none are named. */
    List<ScenarioNode> select(List<Long> ids) {
        startIfNeeded();
        return ids.isEmpty() ? new ArrayList<>(nodes.values()) : ids.stream().map(this::node).toList();
    }

    List<ScenarioNode> live() {
        return select(List.of()).stream().filter(n -> !crashed.contains(n.id)).toList();
    }

    void crash(long id) {
        node(id);
        crashed.add(id);
        network.forget(id);
    }

    void restart(long id) {
        crashed.remove(id);
        boot(node(id));
    }

    void takeSnapshot(ScenarioNode node, boolean compact) {
        long index = node.core.status().appliedIndex();
        node.storage.takeSnapshot(index, node.appliedMembership);
        snapshotContents.put(ScenarioNode.snapshotKey(node.storage.snapshot()), List.copyOf(node.applied));
        if (compact) {
            node.storage.compact(index + 1);
        }
    }

    // ------------------------------------------------------------------ the driver's loop

    /** Does one Ready of a live node that has one: send, persist, apply, advance. */
    Optional<Ready> process(ScenarioNode node) {
        if (crashed.contains(node.id) || !node.core.hasReady()) {
            return Optional.empty();
        }
        Ready ready = node.core.ready();
        network.send(ready.messages());
        finish(node, ready);
        return Optional.of(ready);
    }

    /** The rest of a Ready, once its immediate messages are out: persist, then the rest, then advance. */
    void finish(ScenarioNode node, Ready ready) {
        node.storage.persist(ready);
        ready.snapshot().ifPresent(s -> {
            node.applied = new ArrayList<>(snapshotContents.get(ScenarioNode.snapshotKey(s)));
            node.appliedMembership = s.membership();
        });
        network.send(ready.messagesAfterPersist());
        for (LogEntry entry : ready.committedEntries()) {
            if (entry.kind() == EntryKind.COMMAND) {
                node.applied.add(new String(entry.payload(), UTF_8));
            } else if (entry.kind() == EntryKind.CONFIG) {
                node.appliedMembership = Membership.decode(entry.payload());
            }
        }
        for (ReadState read : ready.readStates()) {
            node.reads.add(node.readName(read.readId()) + "@" + read.index());
        }
        for (long abandoned : ready.abandonedReads()) {
            node.reads.add(node.readName(abandoned) + "@abandoned");
        }
        node.core.advance(ready);
    }

    /** Takes the queued messages that match and steps those the network lets through; true if any matched. */
    boolean deliver(Predicate<Message> filter) {
        List<Message> batch = network.take(filter);
        for (Message m : batch) {
            if (!crashed.contains(m.to()) && !crashed.contains(m.from()) && !network.isCut(m.from(), m.to())) {
                node(m.to()).core.step(m);
            }
        }
        return !batch.isEmpty();
    }

    /** Processes and delivers among the given nodes until nothing moves. */
    void stabilize(List<ScenarioNode> which) {
        Set<Long> ids = which.stream().map(n -> n.id).collect(Collectors.toSet());
        for (int round = 0; round < 1000; round++) {
            boolean moved = false;
            for (ScenarioNode node : which) {
                moved |= process(node).isPresent();
            }
            moved |= deliver(m -> ids.contains(m.from()) && ids.contains(m.to()));
            if (!moved) {
                return;
            }
        }
        throw new IllegalStateException("stabilize did not settle in 1000 rounds");
    }

    /** Every node's state and the queue, for the message of a command that threw. */
    String dump() {
        StringBuilder b = new StringBuilder("cluster state:\n");
        for (ScenarioNode n : nodes.values()) {
            b.append("  ").append(crashed.contains(n.id) ? "(crashed) " + n.id : n.core.toString()).append(' ')
                    .append(ScenarioText.describeLog(n.core)).append('\n');
        }
        b.append("  queued: ").append(network.queued().stream().map(ScenarioText::describe).collect(Collectors.joining("; ")));
        return b.toString();
    }
}
