package io.tern.engine;

import io.tern.engine.cluster.ClusterIdentity;
import io.tern.engine.log.LogConfig;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How a {@link StorageEngine} is opened.
 *
 * @param dataDirectory   the data directory (created if missing)
 * @param identity        the cluster and member this directory belongs to
 * @param log             the write-ahead log's options, including the fsync policy
 * @param snapshotsToKeep how many snapshots stay on disk (at least 1; the newest is what recovery
 *                        and lagging followers need, an older one is a fallback)
 */
public record EngineConfig(Path dataDirectory, ClusterIdentity identity, LogConfig log, int snapshotsToKeep) {

    public EngineConfig {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(log, "log");
        if (snapshotsToKeep < 1) {
            throw new IllegalArgumentException("at least one snapshot must be kept");
        }
    }

    public static EngineConfig defaults(Path dataDirectory, ClusterIdentity identity, FsyncPolicy fsync) {
        return new EngineConfig(dataDirectory, identity, LogConfig.defaults(fsync), 2);
    }
}
