package io.tern.raft.core;

import io.tern.raft.sim.MemoryStorage;
import io.tern.raft.types.Membership;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** One member of a scenario cluster: its core, its synchronous "disk", and what its driver has applied. */
final class ScenarioNode {

    final long id;
    final MemoryStorage storage;
    RaftCore core;
    List<String> applied = new ArrayList<>();
    Membership appliedMembership;
    /** Reads that became safe (or were abandoned) since the last {@code reads} command. */
    final List<String> reads = new ArrayList<>();
    final Map<Long, String> readNames = new HashMap<>();
    /** Proposals made with {@code propose-here}, by the id the core knows them by: named by their command. */
    final Map<Long, String> proposalNames = new HashMap<>();
    /** A Ready taken with {@code ready-unpersisted} and not yet persisted. */
    Ready unpersisted;

    ScenarioNode(long id, MemoryStorage storage) {
        this.id = id;
        this.storage = storage;
    }

    /** (Re)starts the core from what is durable, the state machine from the snapshot's contents. */
    void boot(RaftConfig config, Map<String, List<String>> snapshotContents, Random random) {
        SnapshotMeta snapshot = storage.snapshot();
        applied = new ArrayList<>(snapshotContents.getOrDefault(snapshotKey(snapshot), List.of()));
        appliedMembership = snapshot.membership();
        core = RaftCore.start(config, storage, random);
    }

    String readName(long readId) {
        return readNames.get(readId);
    }

    static String snapshotKey(SnapshotMeta snapshot) {
        return snapshot.index() + "/" + snapshot.term();
    }
}
