package io.tern.raft.nodesim;

import io.tern.raft.core.Role;
import io.tern.raft.node.Applied;
import io.tern.raft.node.NodeConfig;
import io.tern.raft.node.NodeStatus;
import io.tern.raft.node.RaftNode;
import io.tern.raft.node.RaftNotLeaderException;
import io.tern.raft.transport.PeerTransport;
import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One seeded run of real {@link RaftNode}s (their loop, log-writer, applier and snapshot threads)
 * on simulated storage, network, threads and clock. A chaos phase proposes, reads, snapshots, hands
 * leadership over, crashes and restarts members, partitions the network and fails writes; then everything heals and the cluster
 * must agree on a new entry. The checker watches safety all along. Everything random comes from
 * the seed, so a seed replays exactly.
 */
final class DriverSimulation {

    /** A run that broke a property; the message says how to replay it. */
    static final class Failure extends RuntimeException {
        Failure(long seed, PlantedBug bug, String what) {
            super("seed " + seed + ": " + what + "\n  replay it: bin/test -pl raft -am -Dtest=DriverSimulationTest"
                    + " -Dsurefire.failIfNoSpecifiedTests=false -Dtern.sim.seed=" + seed
                    + (bug == PlantedBug.NONE ? "" : " -Dtern.sim.bug=" + bug));
        }
    }

    record Result(long seed, long events, long applied, long acknowledged, long reads, long installs, long traceHash,
                  List<String> trace) {
        @Override
        public String toString() {
            return "seed " + seed + ": " + events + " events, applied " + applied + ", " + acknowledged
                    + " acknowledged proposals, " + reads + " reads, " + installs + " snapshot installs, trace "
                    + Long.toHexString(traceHash);
        }
    }

    private static final long MS = 1_000_000;
    private static final long CHAOS_MS = 3_000;
    private static final long HEAL_LIMIT_MS = 10_000;

    /** One member: its disk outlives its incarnations. */
    private final class SimMember {
        final long id;
        final SimDisk disk = new SimDisk();
        SimRuntime runtime;
        SimStorage storage;
        PeerTransport transport;
        RaftNode node;

        SimMember(long id) {
            this.id = id;
        }

        boolean up() {
            return node != null;
        }
    }

    private final long seed;
    private final PlantedBug bug;
    private final SimClock clock;
    private final SplittableRandom random;
    private final SimNetwork network;
    private final SimTrace trace;
    private final SimChecker checker;
    private final TreeMap<Long, SimMember> members = new TreeMap<>();
    private final Membership bootstrap;
    private final long snapshotEntries;
    private final int chunkBytes;
    private boolean faults = true;
    private long proposals;
    private long acknowledged;
    private long highestAcknowledged;
    private long reads;

    DriverSimulation(long seed, PlantedBug bug, boolean keepTrace) {
        this.seed = seed;
        this.bug = bug;
        this.clock = new SimClock(new SplittableRandom(seed));
        this.random = clock.random();
        this.network = new SimNetwork(clock, random.split());
        this.trace = new SimTrace(clock, keepTrace);
        this.checker = new SimChecker(trace);
        int size = seed % 3 == 0 ? 5 : 3;
        List<Member> list = new ArrayList<>();
        for (long id = 1; id <= size; id++) {
            list.add(new Member(id, "node-" + id + ":7000", true));
            members.put(id, new SimMember(id));
        }
        this.bootstrap = new Membership(list);
        this.snapshotEntries = random.nextLong(5, 40);
        this.chunkBytes = random.nextInt(8, 64);
    }

    Result run() {
        members.values().forEach(this::start);
        long end = CHAOS_MS * MS;
        while (clock.nanoTime() < end) {
            chaosStep();
            advance(random.nextLong(1, 10) * MS);
        }
        heal();
        awaitAgreement();
        long applied = members.firstEntry().getValue().storage.appliedIndex();
        return new Result(seed, clock.eventsRun(), applied, acknowledged, reads, checker.installs(), trace.hash(),
                trace.lines());
    }

    private void chaosStep() {
        int dice = random.nextInt(1000);
        if (dice < 300) {
            propose(pickUp());
        } else if (dice < 320) {
            SimMember member = pickUp();
            if (member != null) {
                member.node.snapshotNow();
            }
        } else if (dice < 335) {
            SimMember member = pickUp();
            if (member != null && downCount() < (members.size() - 1) / 2 + 1) {
                crash(member, "crash");
            }
        } else if (dice < 370) {
            members.values().stream().filter(m -> !m.up()).findFirst().ifPresent(this::start);
        } else if (dice < 385) {
            Set<Long> side = new TreeSet<>();
            for (long id : members.keySet()) {
                if (random.nextBoolean()) {
                    side.add(id);
                }
            }
            network.partition(side, members.keySet());
            trace.add("partition " + side);
        } else if (dice < 410) {
            network.heal();
            trace.add("heal network");
        } else if (dice < 420) {
            network.dropPercent(random.nextInt(0, 20));
        } else if (dice < 520) {
            read(pickUp());
        } else if (dice < 525) {
            SimMember leader = leader();
            if (leader != null) {
                long target = 1 + random.nextInt(members.size());
                trace.add("m" + leader.id + " hands leadership to m" + target);
                leader.node.transferLeadership(target);
            }
        }
    }

    private void heal() {
        faults = false;
        network.heal();
        network.dropPercent(0);
        trace.add("heal all");
        members.values().stream().filter(SimMember::up).forEach(m -> m.storage.stopFailing());
        members.values().stream().filter(m -> !m.up()).forEach(this::start);
    }

    /** After healing, a new proposal must commit and every member must apply to the same state. */
    private void awaitAgreement() {
        long deadline = clock.nanoTime() + HEAL_LIMIT_MS * MS;
        CompletableFuture<Applied> last = null;
        long nextTry = 0;
        while (clock.nanoTime() < deadline) {
            members.values().stream().filter(m -> !m.up()).forEach(this::start); // a failed restart retries
            if ((last == null || last.isCompletedExceptionally()) && clock.nanoTime() >= nextTry) {
                last = propose(leader());
                nextTry = clock.nanoTime() + 200 * MS;
            }
            if (last != null && last.isDone() && !last.isCompletedExceptionally() && converged(last.join().revision())) {
                return;
            }
            advance(5 * MS);
        }
        throw new Failure(seed, bug, "no agreement " + HEAL_LIMIT_MS + " ms after healing: " + describe());
    }

    private boolean converged(long revision) {
        SimState first = null;
        for (SimMember member : members.values()) {
            if (!member.up() || member.storage.appliedIndex() < revision) {
                return false;
            }
            SimState state = member.storage.state();
            if (first != null && (first.appliedIndex() != state.appliedIndex() || first.digest() != state.digest())) {
                return false;
            }
            first = state;
        }
        return true;
    }

    private void advance(long nanos) {
        clock.runUntil(clock.nanoTime() + nanos);
        for (SimMember member : members.values()) {
            if (member.up()) {
                Throwable uncaught = member.runtime.uncaught();
                if (uncaught != null) {
                    throw new Failure(seed, bug, "member " + member.id + " threw out of a task: " + uncaught);
                }
                NodeStatus status = member.node.status();
                if (status.role() == Role.LEADER) {
                    checker.leader(member.id, status.term());
                }
            }
        }
        if (checker.violation() != null) {
            throw new Failure(seed, bug, checker.violation());
        }
    }

    private CompletableFuture<Applied> propose(SimMember member) {
        if (member == null) {
            return null;
        }
        byte[] payload = ("p" + (++proposals)).getBytes(StandardCharsets.ISO_8859_1);
        // Half the proposals are taken by the member reached, which hands them to its leader if it follows.
        boolean here = random.nextBoolean();
        trace.add("m" + member.id + (here ? " takes " : " proposes ") + new String(payload, StandardCharsets.ISO_8859_1));
        CompletableFuture<Applied> future = here ? member.node.proposeHere(payload) : member.node.propose(payload);
        future.whenComplete((applied, error) -> {
            if (error == null) {
                acknowledged++;
                highestAcknowledged = Math.max(highestAcknowledged, applied.revision());
                checker.acknowledged(applied.revision(), payload);
            } else if (error instanceof RaftNotLeaderException
                    || error instanceof CompletionException && error.getCause() instanceof RaftNotLeaderException) {
                // Not leading means never appended: a client may send it elsewhere, so it must never apply.
                trace.add(new String(payload, StandardCharsets.ISO_8859_1) + " refused: " + error.getMessage());
                checker.refused(payload);
            }
        });
        return future;
    }

    /**
     * A linearizable read barrier: the index it answers must cover every write acknowledged before
     * it was asked for, and the member must have applied that far when it answers.
     */
    private void read(SimMember member) {
        if (member == null) {
            return;
        }
        long mustSee = highestAcknowledged;
        SimStorage storage = member.storage;
        // Any member serves it (a follower after a ReadIndex round with its leader), so a fifth of the
        // reads, sent to a member at random, take the follower's path through restarts and installs.
        member.node.readBarrierHere().whenComplete((index, error) -> {
            if (error == null) {
                reads++;
                checker.check(index >= mustSee, "member " + member.id + " answered a read at index " + index
                        + " though revision " + mustSee + " was acknowledged before it was asked");
                checker.check(storage.appliedIndex() >= index, "member " + member.id + " answered a read at index "
                        + index + " before applying it (applied " + storage.appliedIndex() + ")");
            }
        });
    }

    private SimMember pickUp() {
        List<SimMember> up = members.values().stream().filter(SimMember::up).toList();
        if (up.isEmpty()) {
            return null;
        }
        SimMember leader = leader();
        return leader != null && random.nextInt(10) < 8 ? leader : up.get(random.nextInt(up.size()));
    }

    private SimMember leader() {
        SimMember best = null;
        long bestTerm = -1;
        for (SimMember member : members.values()) {
            if (member.up()) {
                NodeStatus status = member.node.status();
                if (status.role() == Role.LEADER && status.term() > bestTerm) {
                    best = member;
                    bestTerm = status.term();
                }
            }
        }
        return best;
    }

    private long downCount() {
        return members.values().stream().filter(m -> !m.up()).count();
    }

    private void start(SimMember member) {
        member.runtime = new SimRuntime(clock, random.split());
        try {
            member.storage = SimStorage.recover(member.id, member.disk, random.split(), faults ? 200 : 0, bug, checker);
        } catch (IllegalStateException e) {
            throw new Failure(seed, bug, "member " + member.id + " cannot recover: " + e.getMessage());
        }
        member.transport = network.transportFor(member.id);
        NodeConfig options = new NodeConfig(member.id, bootstrap, Duration.ofMillis(10), Duration.ofMillis(100),
                snapshotEntries, Duration.ofMillis(500), chunkBytes);
        SimRuntime runtime = member.runtime;
        member.node = RaftNode.start(options, member.storage, member.transport, runtime, (line, cause) -> {
            if (runtime != member.runtime) {
                return; // an earlier incarnation's last words
            }
            if (cause instanceof SimStorage.InjectedFailure) {
                clock.schedule(0, () -> {
                    if (runtime == member.runtime && member.up()) {
                        crash(member, "stop after a failed write");
                    }
                });
            } else {
                checker.failed(member.id, cause);
            }
        });
        trace.add("m" + member.id + " started, applied " + member.storage.appliedIndex());
    }

    private void crash(SimMember member, String why) {
        member.runtime.crash();
        member.transport.close();
        member.disk.crash(random);
        member.node = null;
        member.storage = null;
        trace.add("m" + member.id + " " + why);
    }

    private String describe() {
        StringBuilder text = new StringBuilder();
        for (SimMember member : members.values()) {
            text.append("\n  m").append(member.id).append(": ");
            text.append(member.up() ? member.node.status() + " digest " + member.storage.state().digest() + " threads "
                    + member.runtime : "down");
        }
        return text.toString();
    }
}
