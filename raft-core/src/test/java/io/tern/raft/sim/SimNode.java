package io.tern.raft.sim;

import io.tern.raft.types.Membership;
import io.tern.raft.core.RaftConfig;
import io.tern.raft.core.RaftCore;
import io.tern.raft.core.Ready;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One simulated server: a core, its disk, and its state machine (a key-value map). What is "durable"
 * (the disk and the snapshots it holds) survives {@link #crash()}; everything else is lost.
 */
final class SimNode {

    /** A snapshot's contents: the applied map and the configuration at its index. */
    record SnapshotData(long index, Map<String, String> kv, Membership membership) {
    }

    record PendingWrite(long opId, long term, long startTime) {
    }

    record PendingRead(long readId, String key, long startTime, long mustSeeIndex) {
    }

    final long id;
    final MemoryStorage disk;
    final Map<Long, SnapshotData> durableSnapshots = new TreeMap<>();

    boolean up;
    RaftCore core;
    Map<String, String> kv;
    long applied;
    Membership appliedMembership;
    Ready inFlight;
    final Map<String, SnapshotData> staged = new HashMap<>();
    final Map<Long, PendingWrite> writes = new TreeMap<>();
    /** Writes proposed here while following, by proposal id, until the core says where the leader put them. */
    final Map<Long, PendingWrite> forwardedWrites = new HashMap<>();
    final Map<Long, PendingRead> reads = new LinkedHashMap<>();
    /** Reads whose ReadIndex is known, waiting for the state machine to reach it. */
    final Map<Long, Long> readsAwaitingApply = new LinkedHashMap<>();
    long lastCommitSeen;

    SimNode(long id, Membership bootstrap) {
        this.id = id;
        this.disk = new MemoryStorage(bootstrap);
    }

    void boot(RaftConfig config, SplittableRandom random) {
        long snapshotIndex = disk.snapshot().index();
        SnapshotData snapshot = durableSnapshots.get(snapshotIndex);
        kv = snapshot == null ? new TreeMap<>() : new TreeMap<>(snapshot.kv());
        applied = snapshotIndex;
        appliedMembership = disk.snapshot().membership();
        core = RaftCore.start(config, disk, random.split());
        lastCommitSeen = core.commitIndex();
        inFlight = null;
        up = true;
    }

    void crash() {
        up = false;
        core = null;
        inFlight = null;
        kv = null;
        staged.clear();
        writes.clear();
        forwardedWrites.clear();
        reads.clear();
        readsAwaitingApply.clear();
    }
}
