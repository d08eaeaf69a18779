package io.tern.raft.sim;

import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;
import io.tern.raft.types.EntryKind;
import io.tern.raft.types.LogEntry;
import io.tern.raft.core.Message;
import io.tern.raft.core.ForwardedProposal;
import io.tern.raft.core.Message.InstallSnapshot;
import io.tern.raft.core.ProposeResult;
import io.tern.raft.core.RaftConfig;
import io.tern.raft.core.ReadState;
import io.tern.raft.core.Ready;
import io.tern.raft.core.Role;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One seeded run of a simulated cluster: a fake clock (milliseconds; every node ticks every
 * {@link #TICK_MS}), a fake network (delay, loss, duplication, reordering, partitions), a fake disk
 * per node (writes become durable after a delay; a crash loses what was not yet durable), random
 * clients (writes, linearizable reads, membership changes, leadership transfers) and random faults.
 * After a chaotic phase the network calms down and every node restarts: then a leader must be elected
 * and a write must commit within {@link #LIVENESS_BOUND_MS}.
 *
 * <p>Everything random comes from the seed, so a run is replayed exactly by its seed.
 */
final class Simulation {

    static final int TICK_MS = 10;
    static final int ELECTION_TICKS = 10;
    static final int HEARTBEAT_TICKS = 2;
    private static final long DEFAULT_CHAOS_MS = 10_000;
    /** How long the faults last (simulated ms); {@code -Dtern.sim.chaosMs} makes runs longer or shorter. */
    static final long CHAOS_MS = Long.getLong("tern.sim.chaosMs", DEFAULT_CHAOS_MS);
    /** 30 election timeouts: generous, because a transfer or check-quorum may be under way at the calm. */
    static final long LIVENESS_BOUND_MS = 30L * ELECTION_TICKS * TICK_MS;
    private static final int TRACE_SIZE = 80;
    /** Flow control: about 40 of the simulation's writes, so that the backlog a calm network must drain is bounded. */
    private static final long MAX_UNCOMMITTED_BYTES = 512;

    private sealed interface Event permits Tick, Deliver, DiskDone, ClientOp, Fault, Restart, Calm, Probe {
    }

    private record Tick(long node) implements Event {
    }

    private record Deliver(Message message, SimNode.SnapshotData snapshot) implements Event {
    }

    private record DiskDone(long node, Ready ready) implements Event {
    }

    private record ClientOp() implements Event {
    }

    private record Fault() implements Event {
    }

    private record Restart(long node) implements Event {
    }

    private record Calm() implements Event {
    }

    private record Probe() implements Event {
    }

    private record Scheduled(long time, long seq, Event event) {
    }

    private record TraceLine(long time, String text) {
    }

    /** Statistics of one run. */
    record Result(long seed, int voters, long events, long endTime, long committed, long writesAcked, long readsChecked,
            long elections, long livenessMs) {
    }

    private final long seed;
    private final int initialVoters;
    private final SplittableRandom random;
    private final PriorityQueue<Scheduled> events = new PriorityQueue<>(
            (a, b) -> a.time() != b.time() ? Long.compare(a.time(), b.time()) : Long.compare(a.seq(), b.seq()));
    private final Map<Long, SimNode> nodes = new TreeMap<>();
    private final SafetyChecker checker = new SafetyChecker();
    private final Deque<TraceLine> trace = new ArrayDeque<>();
    private final boolean fullTrace;

    private long now;
    private long seq;
    private long eventCount;
    private long nextOpId = 1;
    private long nextReadId = 1;

    // network conditions
    private final Map<Long, Integer> partition = new HashMap<>();
    private double lossRate;
    private double duplicateRate;
    private int maxDelayMs = 5;

    // workload parameters, drawn per seed
    private final int snapshotEvery;
    private final int maxAppendBytes;
    private final int inflight;
    private final int faultSpacingMs;

    /** Per node: some disks are slow, which widens the window between acknowledging and being durable. */
    private final Map<Long, Integer> diskLatencyMs = new HashMap<>();

    private boolean calm;
    private long calmAt;
    private long probeAckedAt = -1;

    Simulation(long seed, boolean fullTrace) {
        this.seed = seed;
        this.fullTrace = fullTrace;
        this.random = new SplittableRandom(seed);
        this.initialVoters = seed % 2 == 0 ? 3 : 5;
        this.snapshotEvery = 8 + random.nextInt(40);
        this.maxAppendBytes = random.nextBoolean() ? 1 << 20 : 1 + random.nextInt(200);
        this.inflight = 1 + random.nextInt(8);
        this.faultSpacingMs = 100 + random.nextInt(300);
    }

    /** The command, run from the repository root, that replays {@code seed} exactly and prints every event. */
    static String replayCommand(long seed) {
        String chaos = CHAOS_MS == DEFAULT_CHAOS_MS ? "" : " -Dtern.sim.chaosMs=" + CHAOS_MS;
        return "bin/test -pl raft -am -Dtest=RaftSimulationTest -Dtern.sim.seed=" + seed + chaos
                + " -Dsurefire.failIfNoSpecifiedTests=false";
    }

    Result run() {
        try {
            setUp();
            while (!events.isEmpty()) {
                Scheduled next = events.poll();
                now = next.time();
                eventCount++;
                handle(next.event());
                checker.afterStep(nodes.values());
                if (probeAckedAt >= 0) {
                    break;
                }
                if (calm && now > calmAt + LIVENESS_BOUND_MS) {
                    throw new IllegalStateException("liveness: no write committed within " + LIVENESS_BOUND_MS
                            + " ms of the network calming down (a majority connected, nothing lost)");
                }
            }
            if (probeAckedAt < 0) {
                throw new IllegalStateException("simulation ran out of events");
            }
            return new Result(seed, initialVoters, eventCount, now, checker.committedCount(), checker.writesAcked,
                    checker.readsChecked, checker.elections, probeAckedAt - calmAt);
        } catch (RuntimeException | AssertionError e) {
            throw new SimulationFailure(failureReport(e), e);
        }
    }

    private String failureReport(Throwable e) {
        StringBuilder b = new StringBuilder();
        b.append("simulation seed ").append(seed).append(" (").append(initialVoters).append(" voters) failed at t=")
                .append(now).append("ms: ").append(e).append('\n');
        StackTraceElement[] frames = e.getStackTrace();
        for (int i = 0; i < Math.min(6, frames.length); i++) {
            b.append("    at ").append(frames[i]).append('\n');
        }
        b.append("replay (from the repository root): ").append(replayCommand(seed)).append('\n');
        b.append("  (the replay prints every event; the trace lands in raft/target/surefire-reports/")
                .append("io.tern.raft.sim.RaftSimulationTest-output.txt)\n");
        b.append("nodes:\n");
        for (SimNode node : nodes.values()) {
            b.append("  ").append(node.id).append(node.up ? " " + node.core.status() : " down").append('\n');
        }
        b.append("last events:\n");
        for (TraceLine line : trace) {
            b.append("  ").append(line.time()).append("ms ").append(line.text()).append('\n');
        }
        return b.toString();
    }

    private void trace(String text) {
        if (fullTrace) {
            System.out.println(now + "ms " + text);
        }
        trace.addLast(new TraceLine(now, text));
        if (trace.size() > TRACE_SIZE) {
            trace.removeFirst();
        }
    }

    // ------------------------------------------------------------------ set-up

    private void setUp() {
        List<Member> members = new ArrayList<>();
        for (long id = 1; id <= initialVoters; id++) {
            members.add(new Member(id, "n" + id, true));
        }
        Membership bootstrap = new Membership(members);
        int spares = 2;
        for (long id = 1; id <= initialVoters + spares; id++) {
            diskLatencyMs.put(id, random.nextInt(3) == 0 ? 10 + random.nextInt(30) : 4);
            SimNode node = new SimNode(id, id <= initialVoters ? bootstrap : Membership.EMPTY);
            node.boot(config(id), random);
            nodes.put(id, node);
            schedule(1 + random.nextInt(TICK_MS), new Tick(id));
        }
        schedule(1, new ClientOp());
        schedule(100 + random.nextInt(200), new Fault());
        schedule(CHAOS_MS, new Calm());
    }

    private RaftConfig config(long id) {
        return RaftConfig.defaults(id)
                .withTicks(ELECTION_TICKS, HEARTBEAT_TICKS)
                .withReplicationLimits(inflight, maxAppendBytes)
                .withSnapshotTimeoutTicks(3 * ELECTION_TICKS)
                .withMaxUncommittedBytes(MAX_UNCOMMITTED_BYTES);
    }

    private void schedule(long delay, Event event) {
        events.add(new Scheduled(now + delay, seq++, event));
    }

    // ------------------------------------------------------------------ events

    private void handle(Event event) {
        switch (event) {
            case Tick t -> {
                SimNode node = nodes.get(t.node());
                if (node.up) {
                    node.core.tick();
                    pump(node);
                }
                schedule(TICK_MS, t);
            }
            case Deliver d -> deliver(d);
            case DiskDone d -> {
                SimNode node = nodes.get(d.node());
                if (node.up && node.inFlight == d.ready()) {
                    complete(node, d.ready());
                }
            }
            case ClientOp c -> {
                clientOp();
                schedule(1 + random.nextInt(calm ? 20 : 8), c);
            }
            case Fault f -> {
                if (!calm) {
                    fault();
                    schedule(20 + random.nextInt(faultSpacingMs), f);
                }
            }
            case Restart r -> restart(nodes.get(r.node()));
            case Calm c -> calmDown();
            case Probe p -> {
                probe();
                schedule(TICK_MS, p);
            }
        }
    }

    private void deliver(Deliver d) {
        Message m = d.message();
        SimNode to = nodes.get(m.to());
        if (!to.up || cut(m.from(), m.to())) {
            return;
        }
        trace("deliver " + m);
        if (m instanceof InstallSnapshot s) {
            to.staged.put(key(s.snapshot().index(), s.snapshot().term()), d.snapshot());
        }
        to.core.step(m);
        pump(to);
    }

    private void send(SimNode from, Message m) {
        if (random.nextDouble() < lossRate) {
            trace("lost " + m);
            return;
        }
        SimNode.SnapshotData data = null;
        if (m instanceof InstallSnapshot s) {
            data = from.durableSnapshots.get(s.snapshot().index());
            if (data == null) {
                throw new IllegalStateException("node " + from.id + " sends snapshot " + s.snapshot() + " it does not hold");
            }
        }
        int copies = random.nextDouble() < duplicateRate ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            schedule(1 + random.nextInt(maxDelayMs), new Deliver(m, data));
        }
    }

    private boolean cut(long a, long b) {
        return partition.getOrDefault(a, 0).intValue() != partition.getOrDefault(b, 0).intValue();
    }

    // ------------------------------------------------------------------ the driver of one node

    private void pump(SimNode node) {
        if (!node.up || node.inFlight != null || !node.core.hasReady()) {
            return;
        }
        Ready ready = node.core.ready();
        for (Message m : ready.messages()) {
            send(node, m);
        }
        if (ready.needsPersist()) {
            node.inFlight = ready;
            schedule(1 + random.nextInt(diskLatencyMs.get(node.id)), new DiskDone(node.id, ready));
        } else {
            node.inFlight = ready;
            complete(node, ready);
        }
    }

    private void complete(SimNode node, Ready ready) {
        node.disk.persist(ready);
        checker.entriesPersisted(node, ready.entries());
        ready.snapshot().ifPresent(s -> {
            SimNode.SnapshotData data = node.staged.get(key(s.index(), s.term()));
            if (data == null) {
                throw new IllegalStateException("node " + node.id + " must install snapshot " + s + " it never received");
            }
            trace("node " + node.id + " installs snapshot " + s.index() + "/" + s.term());
            node.durableSnapshots.put(s.index(), data);
            node.kv = new TreeMap<>(data.kv());
            node.applied = s.index();
            node.appliedMembership = data.membership();
        });
        for (Message m : ready.messagesAfterPersist()) {
            send(node, m);
        }
        // Before applying: an accepted forwarded write's entry may be in this very Ready.
        for (ForwardedProposal forwarded : ready.forwardedProposals()) {
            SimNode.PendingWrite write = node.forwardedWrites.remove(forwarded.proposalId());
            if (write != null && forwarded.result() instanceof ProposeResult.Accepted a) {
                node.writes.put(a.index(), new SimNode.PendingWrite(write.opId(), a.term(), write.startTime()));
                trace("node " + node.id + " forwarded v" + write.opId() + " to " + a.index() + "/" + a.term());
            } else if (write != null) {
                trace("node " + node.id + " forwarded v" + write.opId() + ": " + forwarded.result());
            }
        }
        for (LogEntry entry : ready.committedEntries()) {
            apply(node, entry);
        }
        for (ReadState read : ready.readStates()) {
            SimNode.PendingRead pending = node.reads.get(read.readId());
            if (pending != null) {
                checker.readIndexGranted(node, pending, read.index());
                node.readsAwaitingApply.put(read.readId(), read.index());
            }
        }
        for (long abandoned : ready.abandonedReads()) {
            node.reads.remove(abandoned);
        }
        node.core.advance(ready);
        node.inFlight = null;
        completeReads(node);
        maybeSnapshot(node);
        pump(node);
    }

    private void apply(SimNode node, LogEntry entry) {
        checker.applied(node, entry);
        node.applied = entry.index();
        if (entry.kind() == EntryKind.CONFIG) {
            node.appliedMembership = Membership.decode(entry.payload());
        } else if (entry.kind() == EntryKind.COMMAND) {
            KvCommand command = KvCommand.decode(entry.payload());
            node.kv.put(command.key(), command.value());
            SimNode.PendingWrite write = node.writes.remove(entry.index());
            if (write != null && write.term() == entry.term() && write.opId() != command.opId()) {
                throw new SimulationFailure("node " + node.id + " was told v" + write.opId() + " went to "
                        + entry.index() + "/" + entry.term() + ", which holds v" + command.opId());
            }
            if (write != null && write.term() == entry.term() && write.opId() == command.opId()) {
                checker.writeAcknowledged(entry.index());
                if (calm && write.startTime() >= calmAt && probeAckedAt < 0) {
                    probeAckedAt = now;
                    trace("probe write committed at index " + entry.index());
                }
            }
        }
    }

    private void completeReads(SimNode node) {
        var it = node.readsAwaitingApply.entrySet().iterator();
        while (it.hasNext()) {
            var e = it.next();
            if (e.getValue() <= node.applied) {
                SimNode.PendingRead read = node.reads.remove(e.getKey());
                it.remove();
                if (read != null) {
                    checker.readCompleted(node, read, node.kv.get(read.key()));
                }
            }
        }
    }

    private void maybeSnapshot(SimNode node) {
        if (node.applied - node.disk.snapshot().index() < snapshotEvery) {
            return;
        }
        SimNode.SnapshotData data = new SimNode.SnapshotData(node.applied, new TreeMap<>(node.kv), node.appliedMembership);
        node.durableSnapshots.put(node.applied, data);
        node.disk.takeSnapshot(node.applied, node.appliedMembership);
        node.disk.compact(node.applied + 1 - random.nextInt(6));
        trace("node " + node.id + " snapshots at " + node.applied);
    }

    private static String key(long index, long term) {
        return index + "/" + term;
    }

    // ------------------------------------------------------------------ clients

    /** A member the client reached, at random among those up, or null if none is. */
    private SimNode pickContact() {
        List<SimNode> up = nodes.values().stream().filter(n -> n.up).toList();
        return up.isEmpty() ? null : up.get(random.nextInt(up.size()));
    }

    /** The leader {@code contact} knows of if it is up, else {@code contact} itself. */
    private SimNode leaderKnownTo(SimNode contact) {
        if (contact.core.role() == Role.LEADER) {
            return contact;
        }
        SimNode leader = nodes.get(contact.core.leaderId());
        return leader != null && leader.up ? leader : contact;
    }

    private void clientOp() {
        SimNode contact = pickContact();
        if (contact == null) {
            return;
        }
        SimNode node = leaderKnownTo(contact);
        int dice = random.nextInt(100);
        if (dice < 55) {
            if (!calm) {
                // once calm, only the liveness probe writes: the question is whether it commits
                // About a third of the writes are proposed at the member reached, which hands them to its leader.
                write(random.nextInt(3) == 0 ? contact : node, "k" + random.nextInt(4));
            }
        } else if (dice < 90) {
            long readId = nextReadId++;
            String key = "k" + random.nextInt(4);
            // About half the reads are served by the member reached, which asks its leader if it follows.
            boolean here = dice >= 72;
            SimNode reader = here ? contact : node;
            if ((here ? reader.core.readIndexHere(readId) : reader.core.readIndex(readId)).isEmpty()) {
                reader.reads.put(readId, new SimNode.PendingRead(readId, key, now, checker.maxAckedWriteIndex()));
                trace("node " + reader.id + (here ? " reads here " : " read ") + readId + " of " + key);
            }
            if (reader != node) {
                pump(reader);
            }
        } else if (dice < 97 && !calm) {
            changeMembership(node);
        } else if (!calm) {
            List<Long> voters = node.core.membership().voterIds();
            if (voters.isEmpty()) {
                return;
            }
            long target = voters.get(random.nextInt(voters.size()));
            trace("node " + node.id + " transfer to " + target + ": " + node.core.transferLeadership(target));
        }
        pump(node);
    }

    private void write(SimNode node, String key) {
        long opId = nextOpId++;
        KvCommand command = new KvCommand(opId, key, "v" + opId);
        Optional<ProposeResult> answer = node.core.proposeHere(opId, command.encode());
        if (answer.isEmpty()) {
            node.forwardedWrites.put(opId, new SimNode.PendingWrite(opId, 0, now));
            trace("node " + node.id + " forwards " + key + "=v" + opId);
            pump(node);
            return;
        }
        ProposeResult result = answer.get();
        if (result instanceof ProposeResult.Accepted a) {
            node.writes.put(a.index(), new SimNode.PendingWrite(opId, a.term(), now));
            trace("node " + node.id + " proposed " + key + "=v" + opId + " at " + a.index() + "/" + a.term());
        }
    }

    private void changeMembership(SimNode leader) {
        Membership current = leader.core.membership();
        List<Long> voters = current.voterIds();
        List<Long> learners = current.members().stream().filter(m -> !m.voter()).map(Member::id).toList();
        List<Long> outsiders = nodes.keySet().stream().filter(id -> !current.contains(id)).toList();
        List<Membership> options = new ArrayList<>();
        for (long id : outsiders) {
            options.add(current.with(new Member(id, "n" + id, false)));
        }
        if (voters.size() < 6) {
            for (long id : learners) {
                options.add(current.with(new Member(id, "n" + id, true)));
            }
        }
        for (long id : learners) {
            options.add(current.without(id));
        }
        if (voters.size() > 3) {
            for (long id : voters) {
                options.add(current.without(id));
                options.add(current.with(new Member(id, "n" + id, false)));
            }
        }
        if (options.isEmpty()) {
            return;
        }
        Membership next = options.get(random.nextInt(options.size()));
        ProposeResult result = leader.core.proposeMembership(next);
        trace("node " + leader.id + " proposes voters=" + next.voterIds() + " members="
                + next.members().stream().map(Member::id).toList() + ": " + result);
    }

    // ------------------------------------------------------------------ faults

    /** Faults favour the leader, whose crashes and isolation make the interesting interleavings. */
    private void fault() {
        int dice = random.nextInt(100);
        List<SimNode> up = nodes.values().stream().filter(n -> n.up).toList();
        SimNode leader = up.stream().filter(n -> n.core.role() == Role.LEADER).findFirst().orElse(null);
        if (dice < 35 && !up.isEmpty()) {
            SimNode victim = leader != null && random.nextBoolean() ? leader : up.get(random.nextInt(up.size()));
            victim.crash();
            trace("CRASH node " + victim.id);
            schedule(20 + random.nextInt(400), new Restart(victim.id));
        } else if (dice < 50 && leader != null) {
            partition.clear();
            partition.put(leader.id, 1);
            trace("ISOLATE leader " + leader.id);
        } else if (dice < 62) {
            partition.clear();
            for (long id : nodes.keySet()) {
                partition.put(id, random.nextInt(2));
            }
            trace("PARTITION " + partition);
        } else if (dice < 78) {
            partition.clear();
            trace("HEAL");
        } else if (dice < 90) {
            lossRate = random.nextInt(4) == 0 ? 0.5 * random.nextDouble() : 0.2 * random.nextDouble();
            duplicateRate = random.nextDouble() * 0.1;
            maxDelayMs = 2 + random.nextInt(40);
            trace("NETWORK loss=" + lossRate + " dup=" + duplicateRate + " maxDelay=" + maxDelayMs);
        }
    }

    private void restart(SimNode node) {
        if (node.up) {
            return;
        }
        node.boot(config(node.id), random);
        trace("RESTART node " + node.id + " " + node.core.status());
        pump(node);
    }

    private void calmDown() {
        calm = true;
        calmAt = now;
        partition.clear();
        lossRate = 0;
        duplicateRate = 0;
        maxDelayMs = 3;
        for (SimNode node : nodes.values()) {
            restart(node);
        }
        trace("CALM: network healed, every node up");
        schedule(TICK_MS, new Probe());
    }

    /** After the calm, make sure whoever leads has a write of its term in flight, until one commits. */
    private void probe() {
        for (SimNode node : nodes.values()) {
            if (node.up && node.core.role() == Role.LEADER
                    && node.writes.values().stream().noneMatch(w -> w.term() == node.core.term() && w.startTime() >= calmAt)) {
                write(node, "probe");
                pump(node);
            }
        }
    }
}
