package io.tern.server.metrics;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tern.raft.types.ForwardingMemberStorage;
import io.tern.raft.types.LogEntry;
import io.tern.raft.types.LogStorage;
import io.tern.raft.types.MemberStorage;
import io.tern.raft.types.StoredSnapshot;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A member's storage as the Raft driver sees it, timing the calls whose durations etcd's operators
 * watch: the log's sync ({@code etcd_disk_wal_fsync_duration_seconds}), each run of entries applied to
 * the state, one RocksDB write batch ({@code etcd_disk_backend_commit_duration_seconds}, etcd's point of
 * committing its backend), and snapshots taken and installed. Everything else passes straight through,
 * so neither the engine nor the driver knows of meters. Each timed call is once per batch, not per request.
 */
public final class MeteredStorage extends ForwardingMemberStorage {

    private final LogStorage log;
    private final Timer apply;
    private final Timer snapshot;
    private final Timer install;

    public MeteredStorage(MemberStorage storage, PrometheusMeterRegistry registry) {
        super(storage);
        // etcd's buckets for both: 1 ms doubling to 8.192 s.
        Timer fsync = ServerMetrics.exponentialTimer(registry, "etcd_disk_wal_fsync_duration",
                "The latency distributions of fsync called by the Raft log", Duration.ofMillis(1), 14);
        this.apply = ServerMetrics.exponentialTimer(registry, "etcd_disk_backend_commit_duration",
                "The latency distributions of applying a run of committed entries to the state (one RocksDB batch)",
                Duration.ofMillis(1), 14);
        this.snapshot = ServerMetrics.exponentialTimer(registry, "tern_snapshot_duration",
                "How long taking a snapshot took, deleting those beyond the number to keep included (applying "
                        + "waits only for its RocksDB checkpoint)",
                Duration.ofMillis(10), 14);
        this.install = ServerMetrics.exponentialTimer(registry, "tern_snapshot_install_duration",
                "How long installing a snapshot received from the leader took", Duration.ofMillis(10), 14);
        this.log = new SyncTimedLog(storage.log(), fsync);
    }

    @Override
    public LogStorage log() {
        return log;
    }

    @Override
    public List<?> apply(List<LogEntry> committed, boolean markCommitted) {
        long began = System.nanoTime();
        try {
            return super.apply(committed, markCommitted);
        } finally {
            apply.record(System.nanoTime() - began, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public StoredSnapshot createSnapshot() {
        long began = System.nanoTime();
        try {
            return super.createSnapshot();
        } finally {
            snapshot.record(System.nanoTime() - began, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public boolean installSnapshot(StoredSnapshot received) {
        long began = System.nanoTime();
        try {
            return super.installSnapshot(received);
        } finally {
            install.record(System.nanoTime() - began, TimeUnit.NANOSECONDS);
        }
    }

    /** The log, its {@link #sync()} timed. */
    private record SyncTimedLog(LogStorage log, Timer fsync) implements LogStorage {

        @Override
        public long firstIndex() {
            return log.firstIndex();
        }

        @Override
        public long lastIndex() {
            return log.lastIndex();
        }

        @Override
        public long term(long index) {
            return log.term(index);
        }

        @Override
        public List<LogEntry> entries(long fromIndex, long toIndex, long maxBytes) {
            return log.entries(fromIndex, toIndex, maxBytes);
        }

        @Override
        public long committedIndex() {
            return log.committedIndex();
        }

        @Override
        public List<LogEntry> configEntries(long fromIndex) {
            return log.configEntries(fromIndex);
        }

        @Override
        public void append(List<LogEntry> entries) {
            log.append(entries);
        }

        @Override
        public void truncateFrom(long index) {
            log.truncateFrom(index);
        }

        @Override
        public void resetTo(long nextIndex) {
            log.resetTo(nextIndex);
        }

        @Override
        public void sync() {
            long began = System.nanoTime();
            try {
                log.sync();
            } finally {
                fsync.record(System.nanoTime() - began, TimeUnit.NANOSECONDS);
            }
        }
    }
}
