package io.tern.engine.snapshot;

import io.tern.raft.types.Membership;
import io.tern.raft.types.StoredSnapshot;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A complete snapshot on disk: its directory (the checkpoint files plus
 * {@value SnapshotMetadata#FILE_NAME}) and the metadata read from it. Having one means the metadata
 * passed its checksum; whether the data files still match it is what {@link SnapshotStore#verify}
 * finds out.
 *
 * @param directory the {@code snap-*} (or, received and not installed, {@code received-snap-*})
 *                  directory, which can be opened as a RocksDB checkpoint
 * @param metadata what {@value SnapshotMetadata#FILE_NAME} says
 */
public record Snapshot(Path directory, SnapshotMetadata metadata) implements StoredSnapshot {

    public Snapshot {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(metadata, "metadata");
    }

    public SnapshotId id() {
        return metadata.id();
    }

    @Override
    public long lastIncludedIndex() {
        return metadata.lastIncludedIndex();
    }

    @Override
    public long lastIncludedTerm() {
        return metadata.lastIncludedTerm();
    }

    @Override
    public Membership membership() {
        return metadata.membership();
    }

    public List<SnapshotFile> files() {
        return metadata.files();
    }

    /** The total size of the data files, which is what streaming the snapshot will send. */
    @Override
    public long sizeBytes() {
        return metadata.dataSizeBytes();
    }
}
