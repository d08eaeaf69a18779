package io.tern.engine;

import io.tern.engine.cluster.ClusterIdentity;
import io.tern.engine.log.LogOptions;

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
public record EngineOptions(Path dataDirectory, ClusterIdentity identity, LogOptions log, int snapshotsToKeep) {

    public EngineOptions {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(log, "log");
        if (snapshotsToKeep < 1) {
            throw new IllegalArgumentException("at least one snapshot must be kept");
        }
    }

    public static EngineOptions defaults(Path dataDirectory, ClusterIdentity identity, FsyncPolicy fsync) {
        return new EngineOptions(dataDirectory, identity, LogOptions.defaults(fsync), 2);
    }
}
