package io.tern.raft.types;

/** A snapshot read out as chunks, pulled one at a time by the member that sends it. */
public interface SnapshotSource extends AutoCloseable {

    boolean hasNext();

    SnapshotChunk next();

    @Override
    void close();
}
