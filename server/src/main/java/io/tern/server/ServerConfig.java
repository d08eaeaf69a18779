package io.tern.server;

import io.tern.engine.FsyncPolicy;
import io.tern.server.auth.AuthSettings;
import io.tern.server.compaction.AutoCompaction;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * How one Tern node runs: the server flags of the contract, validated.
 *
 * @param id                 this member's id (positive)
 * @param dataDirectory      where the log, state and snapshots live
 * @param cluster            the initial members, id to advertised "host:port"; must name {@code id}
 * @param listen             the address to bind; by default the node's own advertised address
 * @param join               start empty and wait to be added by a leader (never campaigns)
 * @param heartbeat          the leader's heartbeat interval
 * @param electionTimeout    the base election timeout
 * @param fsync              whether a write is fsynced before it is acknowledged
 * @param snapshotEntries    take a snapshot after this many applied entries
 * @param maxValueBytes      larger values get TOO_LARGE
 * @param forward            followers forward writes to the leader and serve linearizable reads after a
 *                           ReadIndex round with it (else both are refused with NOT_LEADER)
 * @param requestTimeout     how long a request may wait for Raft before TIMEOUT
 * @param maxConnections     client and peer connections beyond this are refused
 * @param stallTimeout       a connection that stops in the middle of a frame, or leaves its answers
 *                           unread, this long is closed
 * @param clusterId          the cluster's name; {@code null} to derive it from the initial members
 * @param logRollCycle       the log's file roll cycle by Chronicle name, or {@code null} for the default
 *                           (five minutes); tests use seconds so that compaction happens while they run
 * @param staleReadsForTesting a deliberately broken mode for testing checkers: LINEARIZABLE reads are
 *                           served from this node's own state, without ReadIndex or forwarding
 * @param maxPendingOutputBytes a connection whose unread answers exceed this is closed
 * @param diskReserveBytes   below this much free space in the data directory the member raises the
 *                           NOSPACE alarm and the cluster refuses new writes; 0 never raises it
 * @param diskCheckInterval  how often the free space is checked
 * @param watchProgressInterval how often a watch that asked for progress notifications gets one
 *                           ({@code --watch-progress-interval-ms}; etcd's ten minutes by default)
 * @param autoCompaction     how much history the leader keeps before compacting the rest by itself
 *                           ({@code --auto-compaction-mode}, {@code --auto-compaction-retention}); off by default
 * @param auth               token lifetime and password hash cost ({@code --auth-token-ttl}, {@code --auth-bcrypt-cost})
 */
public record ServerConfig(long id, Path dataDirectory, SortedMap<Long, String> cluster, InetSocketAddress listen,
                           boolean join, Duration heartbeat, Duration electionTimeout, FsyncPolicy fsync,
                           long snapshotEntries, int maxValueBytes, boolean forward, Duration requestTimeout,
                           int maxConnections, Duration stallTimeout, long maxPendingOutputBytes,
                           String clusterId, String logRollCycle, boolean staleReadsForTesting,
                           long diskReserveBytes, Duration diskCheckInterval, Duration watchProgressInterval,
                           AutoCompaction autoCompaction, AuthSettings auth) {

    public static final int DEFAULT_PORT = 7379;
    public static final Duration DEFAULT_WATCH_PROGRESS_INTERVAL = Duration.ofMinutes(10);
    public static final long DEFAULT_DISK_RESERVE_BYTES = 256L << 20;
    public static final Duration DEFAULT_DISK_CHECK_INTERVAL = Duration.ofSeconds(1);

    public ServerConfig {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(listen, "listen");
        cluster = new TreeMap<>(cluster);
        if (!cluster.containsKey(id)) {
            throw new IllegalArgumentException("--cluster does not name this node's --id " + id);
        }
        if (diskReserveBytes < 0) {
            throw new IllegalArgumentException("--disk-reserve-bytes must not be negative, was " + diskReserveBytes);
        }
        Objects.requireNonNull(diskCheckInterval, "diskCheckInterval");
        Objects.requireNonNull(watchProgressInterval, "watchProgressInterval");
        if (watchProgressInterval.toMillis() < 1) {
            throw new IllegalArgumentException("--watch-progress-interval-ms must be at least 1, was "
                    + watchProgressInterval.toMillis());
        }
        Objects.requireNonNull(autoCompaction, "autoCompaction");
        Objects.requireNonNull(auth, "auth");
    }

    /** A config with the default authentication options. */
    public ServerConfig(long id, Path dataDirectory, SortedMap<Long, String> cluster, InetSocketAddress listen,
                        boolean join, Duration heartbeat, Duration electionTimeout, FsyncPolicy fsync,
                        long snapshotEntries, int maxValueBytes, boolean forward, Duration requestTimeout,
                        int maxConnections, Duration stallTimeout, long maxPendingOutputBytes,
                        String clusterId, String logRollCycle, boolean staleReadsForTesting,
                        long diskReserveBytes, Duration diskCheckInterval, Duration watchProgressInterval,
                        AutoCompaction autoCompaction) {
        this(id, dataDirectory, cluster, listen, join, heartbeat, electionTimeout, fsync, snapshotEntries, maxValueBytes,
                forward, requestTimeout, maxConnections, stallTimeout, maxPendingOutputBytes, clusterId, logRollCycle,
                staleReadsForTesting, diskReserveBytes, diskCheckInterval, watchProgressInterval, autoCompaction,
                AuthSettings.DEFAULTS);
    }

    /** A copy with these authentication options. */
    public ServerConfig withAuth(AuthSettings settings) {
        return new ServerConfig(id, dataDirectory, cluster, listen, join, heartbeat, electionTimeout, fsync,
                snapshotEntries, maxValueBytes, forward, requestTimeout, maxConnections, stallTimeout,
                maxPendingOutputBytes, clusterId, logRollCycle, staleReadsForTesting, diskReserveBytes, diskCheckInterval,
                watchProgressInterval, autoCompaction, settings);
    }

    /** A config without automatic compaction. */
    public ServerConfig(long id, Path dataDirectory, SortedMap<Long, String> cluster, InetSocketAddress listen,
                        boolean join, Duration heartbeat, Duration electionTimeout, FsyncPolicy fsync,
                        long snapshotEntries, int maxValueBytes, boolean forward, Duration requestTimeout,
                        int maxConnections, Duration stallTimeout, long maxPendingOutputBytes,
                        String clusterId, String logRollCycle, boolean staleReadsForTesting,
                        long diskReserveBytes, Duration diskCheckInterval, Duration watchProgressInterval) {
        this(id, dataDirectory, cluster, listen, join, heartbeat, electionTimeout, fsync, snapshotEntries, maxValueBytes,
                forward, requestTimeout, maxConnections, stallTimeout, maxPendingOutputBytes, clusterId, logRollCycle,
                staleReadsForTesting, diskReserveBytes, diskCheckInterval, watchProgressInterval, AutoCompaction.OFF);
    }

    /** A config with the default watch progress interval and without automatic compaction. */
    public ServerConfig(long id, Path dataDirectory, SortedMap<Long, String> cluster, InetSocketAddress listen,
                        boolean join, Duration heartbeat, Duration electionTimeout, FsyncPolicy fsync,
                        long snapshotEntries, int maxValueBytes, boolean forward, Duration requestTimeout,
                        int maxConnections, Duration stallTimeout, long maxPendingOutputBytes,
                        String clusterId, String logRollCycle, boolean staleReadsForTesting,
                        long diskReserveBytes, Duration diskCheckInterval) {
        this(id, dataDirectory, cluster, listen, join, heartbeat, electionTimeout, fsync, snapshotEntries, maxValueBytes,
                forward, requestTimeout, maxConnections, stallTimeout, maxPendingOutputBytes, clusterId, logRollCycle,
                staleReadsForTesting, diskReserveBytes, diskCheckInterval, DEFAULT_WATCH_PROGRESS_INTERVAL);
    }

    /** A copy whose watches get progress notifications every {@code interval}. */
    public ServerConfig withWatchProgressInterval(Duration interval) {
        return new ServerConfig(id, dataDirectory, cluster, listen, join, heartbeat, electionTimeout, fsync,
                snapshotEntries, maxValueBytes, forward, requestTimeout, maxConnections, stallTimeout,
                maxPendingOutputBytes, clusterId, logRollCycle, staleReadsForTesting, diskReserveBytes, diskCheckInterval,
                interval, autoCompaction, auth);
    }

    /** A copy that compacts history automatically by {@code policy}. */
    public ServerConfig withAutoCompaction(AutoCompaction policy) {
        return new ServerConfig(id, dataDirectory, cluster, listen, join, heartbeat, electionTimeout, fsync,
                snapshotEntries, maxValueBytes, forward, requestTimeout, maxConnections, stallTimeout,
                maxPendingOutputBytes, clusterId, logRollCycle, staleReadsForTesting, diskReserveBytes, diskCheckInterval,
                watchProgressInterval, policy, auth);
    }

    /** A copy that starts with {@code --join}. */
    public ServerConfig withJoin(boolean on) {
        return new ServerConfig(id, dataDirectory, cluster, listen, on, heartbeat, electionTimeout, fsync,
                snapshotEntries, maxValueBytes, forward, requestTimeout, maxConnections, stallTimeout,
                maxPendingOutputBytes, clusterId, logRollCycle, staleReadsForTesting, diskReserveBytes, diskCheckInterval,
                watchProgressInterval, autoCompaction, auth);
    }

    /** This node's advertised address, from {@code cluster}. */
    public String advertisedAddress() {
        return cluster.get(id);
    }

    /** A single durable node with every other option at its default, listening on {@code host:port}. */
    public static ServerConfig singleNode(Path dataDirectory, String host, int port) {
        return new ServerConfig(1, dataDirectory, new TreeMap<>(Map.of(1L, host + ":" + port)),
                new InetSocketAddress(host, port), false, Duration.ofMillis(100), Duration.ofMillis(1000),
                FsyncPolicy.ALWAYS, 100_000, 4 * 1024 * 1024, true, Duration.ofSeconds(5), 10_000,
                Duration.ofSeconds(10), 64L * 1024 * 1024, null, null, false, DEFAULT_DISK_RESERVE_BYTES,
                DEFAULT_DISK_CHECK_INTERVAL);
    }
}
