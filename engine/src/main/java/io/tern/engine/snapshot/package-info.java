/**
 * Snapshots of the applied state: naming, metadata, verification, streaming and installing.
 *
 * <p>A snapshot is a directory of opaque files (a RocksDB checkpoint, made elsewhere) plus
 * {@value io.tern.engine.snapshot.SnapshotMetadata#FILE_NAME}, which records the last included log
 * index and term, the membership, and each file's size and CRC32C, under a checksum of its own.
 * The store's root directory holds:
 *
 * <ul>
 *   <li>{@code snap-<20-digit index>-<term>}: complete snapshots, so names sort by index;</li>
 *   <li>{@code tmp-*}: work in progress (a snapshot being created, installed or deleted), removed
 *       when the store is opened;</li>
 *   <li>{@code corrupt-snap-*}: snapshots set aside by {@link io.tern.engine.snapshot.SnapshotStore#quarantine}
 *       for a human to look at; never read again;</li>
 *   <li>{@code received-snap-*}: complete snapshots received from another node that are not (yet)
 *       this node's: they become {@code snap-*} when installed, and are removed when the store is
 *       opened.</li>
 * </ul>
 *
 * <p>Every snapshot is built in a {@code tmp-} directory, forced to disk, and then renamed to its
 * {@code snap-} name in one atomic step. A crash therefore leaves either no snapshot or a complete
 * one, and the only debris is {@code tmp-} directories.
 *
 * <p>{@link io.tern.engine.snapshot.SnapshotReader} turns a snapshot into
 * {@link io.tern.raft.types.SnapshotChunk}s pulled one at a time (the sender pulls only when
 * the network can take more, which is the back-pressure);
 * {@link io.tern.engine.snapshot.SnapshotInstaller} turns the same chunks back into a snapshot on
 * another node.
 */
package io.tern.engine.snapshot;
