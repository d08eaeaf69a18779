package io.tern.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tern.engine.StorageEngine;
import io.tern.raft.core.Role;
import io.tern.raft.node.NodeStatus;
import io.tern.raft.node.RaftNode;
import io.tern.server.forward.LeaderForwarder;
import io.tern.server.net.NodePort;
import java.util.function.DoubleSupplier;
import java.util.function.ToDoubleFunction;

/**
 * The member's state as meters, each read when {@code /metrics} is scraped, from read-only accessors
 * of the Raft node, the engine, the forwarder and the port (which the server holds as long as the
 * registry, so the meters' weak references to them stay valid): nothing is counted twice and nothing is
 * added to a request's path. The names of etcd's meters of the same meaning are etcd's.
 */
public final class NodeMeters {

    private NodeMeters() {
    }

    public static void bind(MeterRegistry registry, RaftNode node, StorageEngine engine, LeaderForwarder forwarder,
                            NodePort port) {
        gauge(registry, "etcd_server_has_leader", "Whether or not a leader exists. 1 is existence, 0 is not.",
                () -> node.status().leaderId() != 0 ? 1 : 0);
        gauge(registry, "etcd_server_is_leader", "Whether or not this member is a leader. 1 if is, 0 otherwise.",
                () -> node.status().role() == Role.LEADER ? 1 : 0);
        counter(registry, "etcd_server_leader_changes_seen", "The number of leader changes seen.", node,
                RaftNode::leaderChangesSeen);
        // etcd's two are gauges named *_total; Prometheus' client reserves _total for counters, and
        // both indexes only grow while the member runs, so they are counters here: same series names.
        counter(registry, "etcd_server_proposals_committed", "The total number of consensus proposals committed "
                + "(the commit index).", node, n -> n.status().commitIndex());
        counter(registry, "etcd_server_proposals_applied", "The total number of consensus proposals applied "
                + "(the applied index).", node, n -> n.status().appliedIndex());
        gauge(registry, "etcd_server_proposals_pending", "The current number of pending proposals to commit.",
                node::proposalsPending);
        counter(registry, "etcd_server_proposals_failed", "The total number of failed proposals seen.", node,
                RaftNode::proposalsFailed);
        gauge(registry, "etcd_mvcc_db_total_size_in_bytes", "Total size of the underlying database (RocksDB table "
                + "files and memtables) in bytes.", () -> engine.stateSize().totalBytes());
        gauge(registry, "etcd_mvcc_db_total_size_in_use_in_bytes", "RocksDB's estimate of the live data in the "
                + "database, in bytes.", () -> engine.stateSize().liveBytes());
        gauge(registry, "etcd_debugging_mvcc_current_revision", "The current revision of the store (the applied index).",
                engine::appliedIndex);

        gauge(registry, "tern_raft_term", "The member's current Raft term.", node::term);
        gauge(registry, "tern_raft_commit_index", "The highest log index known to be committed.",
                () -> node.status().commitIndex());
        gauge(registry, "tern_raft_applied_index", "The highest log index applied to the state.",
                () -> node.status().appliedIndex());
        gauge(registry, "tern_snapshot_index", "The index of the member's newest snapshot (0: none).",
                () -> node.status().snapshotIndex());
        gauge(registry, "tern_log_entries", "Entries held in the Raft log (compacted below the newest snapshot).",
                () -> logEntries(node.status()));
        gauge(registry, "tern_rocksdb_pending_compaction_bytes", "RocksDB's estimate of the bytes its compactions "
                + "still have to rewrite (rocksdb.estimate-pending-compaction-bytes).", engine::pendingCompactionBytes);
        gauge(registry, "tern_reads_waiting", "Reads waiting for this member to apply the index they need.",
                node::readsWaiting);
        counter(registry, "tern_forwarded_requests", "Requests this member relayed to the leader as a client (those "
                + "it cannot serve itself).", forwarder, LeaderForwarder::forwardedRequests);
        counter(registry, "tern_forwarded_proposals", "Writes this member, following, handed to its leader over the "
                + "members' channel.", node, RaftNode::proposalsHandedToLeader);
        gauge(registry, "tern_open_connections", "Connections open on the member's port, clients and members.",
                port::openConnections);
    }

    private static long logEntries(NodeStatus status) {
        return Math.max(0, status.lastLogIndex() - status.firstLogIndex() + 1);
    }

    private static void gauge(MeterRegistry registry, String name, String description, DoubleSupplier value) {
        // Held strongly: a gauge keeps only a weak reference to what it reads, and nothing else holds the lambda.
        Gauge.builder(name, value, DoubleSupplier::getAsDouble).description(description).strongReference(true)
                .register(registry);
    }

    private static <T> void counter(MeterRegistry registry, String name, String description, T source,
                                    ToDoubleFunction<T> count) {
        FunctionCounter.builder(name, source, count).description(description).register(registry);
    }
}
