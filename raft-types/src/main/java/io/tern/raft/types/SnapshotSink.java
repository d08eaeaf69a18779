package io.tern.raft.types;

/**
 * A snapshot being received, chunk by chunk. {@link #finish()} verifies it and keeps it apart from
 * the member's own snapshots until the member installs it.
 */
public interface SnapshotSink extends AutoCloseable {

    void accept(SnapshotChunk chunk);

    /** After the last chunk: the verified, received snapshot. */
    StoredSnapshot finish();

    /** Releases what an unfinished transfer holds; harmless after {@link #finish()}. */
    @Override
    void close();
}
