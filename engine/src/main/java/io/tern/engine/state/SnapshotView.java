package io.tern.engine.state;

import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.Snapshot;

/**
 * A RocksDB snapshot and the read options that read through it, released together. Every read made
 * with {@link #readOptions()} sees the database as it was when the view was taken, so a write batch
 * applied meanwhile is seen entirely or not at all.
 */
final class SnapshotView implements AutoCloseable {

    private final RocksDB db;
    private final Snapshot snapshot;
    private final ReadOptions readOptions;

    SnapshotView(RocksDB db) {
        this.db = db;
        this.snapshot = db.getSnapshot();
        this.readOptions = new ReadOptions().setSnapshot(snapshot);
    }

    ReadOptions readOptions() {
        return readOptions;
    }

    @Override
    public void close() {
        readOptions.close();
        db.releaseSnapshot(snapshot);
        // The Java object owns no native memory (the snapshot belongs to the DB), but closing it
        // keeps the try-with-resources discipline uniform.
        snapshot.close();
    }
}
