package io.tern.engine.snapshot;

import io.tern.raft.types.SnapshotChunk;
import io.tern.raft.types.SnapshotSource;
import io.tern.engine.StorageException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Streams one snapshot as {@link SnapshotChunk}s: first the metadata, then every data file in the
 * metadata's order; the final chunk is marked last. Nothing is read ahead: the sender calls
 * {@link #next()} only when the network can take another chunk, which is the back-pressure, so at
 * most one chunk per reader is in memory here.
 *
 * <p>Each chunk carries at most {@code maxChunkBytes} of data (its encoding adds at most
 * {@link SnapshotChunk#MAX_HEADER_BYTES}). Empty files produce no chunks: the receiver creates them
 * from the metadata. Files are checked against their CRC32C as they are read, so a corrupt local
 * snapshot fails here rather than after the receiver has taken it all. Obtained from
 * {@link SnapshotStore#openReader}; not safe for concurrent use.
 */
public final class SnapshotReader implements SnapshotSource {

    private final Snapshot snapshot;
    private final List<SnapshotFile> files;
    private final int maxChunkBytes;
    private final Runnable onClose;
    private final byte[] metadataJson;
    /** Metadata plus data: a chunk is the last one when it brings {@link #sentBytes} up to this. */
    private final long totalBytes;

    private long sentBytes;
    private int metadataSent;
    private int fileIndex;
    private long fileOffset;
    private FileChannel channel;
    private final CRC32C fileCrc = new CRC32C();
    private boolean closed;

    SnapshotReader(Snapshot snapshot, int maxChunkBytes, Runnable onClose) {
        if (maxChunkBytes < 1) {
            throw new IllegalArgumentException("chunks must carry at least one byte, not " + maxChunkBytes);
        }
        this.snapshot = snapshot;
        this.files = snapshot.files();
        this.maxChunkBytes = maxChunkBytes;
        this.onClose = onClose;
        this.metadataJson = SnapshotMetadataJson.encode(snapshot.metadata());
        this.totalBytes = metadataJson.length + snapshot.sizeBytes();
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    /** The bytes of all the chunks' data together: the metadata JSON and every data file. */
    long totalBytes() {
        return totalBytes;
    }

    /** Whether another chunk remains to be sent. */
    @Override
    public boolean hasNext() {
        return sentBytes < totalBytes;
    }

    /**
     * Reads the next chunk.
     *
     * @throws NoSuchElementException after the last chunk
     * @throws io.tern.engine.CorruptStorageException if a data file no longer matches the metadata;
     *     the reader is then closed
     * @throws StorageException if a file cannot be read; the reader is then closed
     */
    @Override
    public SnapshotChunk next() {
        if (closed) {
            throw new IllegalStateException("the reader of " + snapshot.directory() + " is closed");
        }
        if (!hasNext()) {
            throw new NoSuchElementException("snapshot " + snapshot.directory() + " was sent in full");
        }
        try {
            return metadataSent < metadataJson.length ? nextMetadataChunk() : nextFileChunk();
        } catch (IOException e) {
            close();
            throw new StorageException("cannot read snapshot " + snapshot.directory() + ": " + SnapshotStore.describe(e), e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Releases the open file and lets the store delete the snapshot again. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            closeChannel();
        } catch (IOException ignored) {
            // Only read from, so nothing can be lost by a failed close.
        } finally {
            onClose.run();
        }
    }

    private SnapshotChunk nextMetadataChunk() {
        int length = Math.min(maxChunkBytes, metadataJson.length - metadataSent);
        int offset = metadataSent;
        metadataSent += length;
        sentBytes += length;
        return SnapshotChunk.metadata(offset, Arrays.copyOfRange(metadataJson, offset, offset + length), sentBytes == totalBytes);
    }

    private SnapshotChunk nextFileChunk() throws IOException {
        while (files.get(fileIndex).sizeBytes() == 0) {
            fileIndex++;
        }
        SnapshotFile file = files.get(fileIndex);
        Path path = snapshot.directory().resolve(file.name());
        if (channel == null) {
            channel = FileChannel.open(path, StandardOpenOption.READ);
            fileCrc.reset();
        }
        byte[] data = new byte[(int) Math.min(maxChunkBytes, file.sizeBytes() - fileOffset)];
        ByteBuffer buffer = ByteBuffer.wrap(data);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw SnapshotStore.corrupt(snapshot.directory(), "file " + file.name() + " has "
                        + (fileOffset + buffer.position()) + " bytes, expected " + file.sizeBytes());
            }
        }
        fileCrc.update(data);
        long offset = fileOffset;
        fileOffset += data.length;
        sentBytes += data.length;
        if (fileOffset == file.sizeBytes()) {
            finishFile(file);
        }
        return SnapshotChunk.fileData(file.name(), offset, data, sentBytes == totalBytes);
    }

    private void finishFile(SnapshotFile file) throws IOException {
        long actualSize = channel.size();
        closeChannel();
        Optional<String> mismatch = file.mismatch(actualSize, (int) fileCrc.getValue());
        if (mismatch.isPresent()) {
            throw SnapshotStore.corrupt(snapshot.directory(), mismatch.get());
        }
        fileIndex++;
        fileOffset = 0;
    }

    private void closeChannel() throws IOException {
        if (channel != null) {
            FileChannel open = channel;
            channel = null;
            open.close();
        }
    }
}
