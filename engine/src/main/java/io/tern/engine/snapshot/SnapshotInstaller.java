package io.tern.engine.snapshot;

import io.tern.raft.types.SnapshotChunk;
import io.tern.raft.types.SnapshotSink;
import io.tern.engine.CorruptStorageException;
import io.tern.engine.StorageException;
import io.tern.engine.io.DurableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Receives a snapshot streamed by a {@link SnapshotReader} on another node into a
 * {@link SnapshotStore}. Chunks are written into a private temporary directory as they arrive; only
 * {@link #finish()}, once every file has matched its size and CRC32C, renames it to a received
 * snapshot, which stays apart from the store's own snapshots until it is installed
 * ({@link SnapshotStore#adoptReceived}). A crash at any point therefore leaves either no received
 * snapshot or the complete, verified one, and never touches the snapshots already there.
 *
 * <p>Chunks must arrive exactly in the order the reader produced them. Any departure (a missing,
 * repeated or reordered chunk, data before the metadata, anything after the last chunk) throws
 * {@link IllegalStateException}; data that does not match the metadata throws
 * {@link CorruptStorageException}. Either way the install is abandoned: its temporary directory is
 * deleted and every later call fails, so the caller starts a new install. Obtained from
 * {@link SnapshotStore#beginInstall()}; not safe for concurrent use.
 */
public final class SnapshotInstaller implements SnapshotSink {

    private static final Logger log = LoggerFactory.getLogger(SnapshotInstaller.class);

    private final SnapshotStore store;
    private final Path directory;
    private final ByteArrayOutputStream metadataJson = new ByteArrayOutputStream();

    private SnapshotMetadata metadata;
    private List<SnapshotFile> files;
    /** The next file that still expects bytes; {@code files.size()} once all are complete. */
    private int fileIndex;
    private long fileOffset;
    private FileChannel channel;
    private final CRC32C fileCrc = new CRC32C();
    private boolean lastReceived;

    private Snapshot installed;
    private String abandonedBecause;
    private boolean closed;

    SnapshotInstaller(SnapshotStore store, Path directory) {
        this.store = store;
        this.directory = directory;
    }

    /**
     * The metadata of the snapshot being received, once its chunks have arrived: lets the caller
     * refuse a snapshot it does not want (say, an older one) before the data is transferred.
     */
    public Optional<SnapshotMetadata> metadata() {
        return Optional.ofNullable(metadata);
    }

    /**
     * Takes the next chunk of the stream and writes its data.
     *
     * @throws IllegalStateException if the chunk is not the one expected next, or the install was
     *     already finished, abandoned or closed
     * @throws CorruptStorageException if the metadata is invalid or a completed file does not match it
     * @throws StorageException if the disk fails
     */
    @Override
    public void accept(SnapshotChunk chunk) {
        requireUsable();
        try {
            if (lastReceived) {
                throw new IllegalStateException(where() + ": received " + chunk + " after the last chunk");
            }
            if (chunk.data().length == 0) {
                // Readers never send one; accepting them would let a broken sender loop forever.
                throw new IllegalStateException(where() + ": received " + chunk + ", which carries no data");
            }
            switch (chunk.kind()) {
                case METADATA -> acceptMetadata(chunk);
                case FILE_DATA -> acceptFileData(chunk);
            }
            if (chunk.last()) {
                acceptEndOfStream();
            }
        } catch (IOException e) {
            throw abandon(new StorageException(where() + ": " + SnapshotStore.describe(e), e));
        } catch (RuntimeException e) {
            throw abandon(e);
        }
    }

    /**
     * Completes the transfer after the last chunk: writes the metadata file, forces everything to
     * disk and renames the directory to a received snapshot, not yet one of the store's (see
     * {@link SnapshotStore#adoptReceived}). If the store already holds a good received snapshot with
     * the same id, that one is kept and returned, and what was received now is discarded.
     *
     * @throws IllegalStateException if the last chunk has not arrived; the install is abandoned
     */
    @Override
    public Snapshot finish() {
        requireUsable();
        try {
            if (!lastReceived) {
                throw new IllegalStateException(where() + ": finish() before the last chunk, while expecting " + expectation());
            }
            // Sizes and checksums were checked as each file completed; the stat only confirms that
            // nothing has disturbed the directory since.
            for (SnapshotFile file : files) {
                long size = Files.size(directory.resolve(file.name()));
                if (size != file.sizeBytes()) {
                    throw new CorruptStorageException(where() + ": file " + file.name() + " has " + size
                            + " bytes, expected " + file.sizeBytes());
                }
            }
            Files.write(directory.resolve(SnapshotMetadata.FILE_NAME), SnapshotMetadataJson.encode(metadata),
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            DurableFiles.fsyncTree(directory);
            installed = store.keepReceived(directory, metadata);
            return installed;
        } catch (IOException e) {
            throw abandon(new StorageException(where() + ": " + SnapshotStore.describe(e), e));
        } catch (RuntimeException e) {
            throw abandon(e);
        }
    }

    /** Abandons the install unless it was finished, deleting everything received. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (installed == null && abandonedBecause == null) {
            RuntimeException reason = new IllegalStateException("closed before finish()");
            abandon(reason);
            for (Throwable failure : reason.getSuppressed()) {
                // The next SnapshotStore.open deletes the leftover; nothing to tell the caller.
                log.warn("{}: cannot delete {}: {}", where(), directory, failure.toString());
            }
        }
    }

    private void acceptMetadata(SnapshotChunk chunk) {
        if (metadata != null) {
            throw new IllegalStateException(where() + ": received " + chunk + " after the file data began");
        }
        if (chunk.offset() != metadataJson.size()) {
            throw outOfOrder(chunk, "metadata at offset " + metadataJson.size());
        }
        if (metadataJson.size() + (long) chunk.data().length > SnapshotMetadataJson.MAX_BYTES) {
            throw new IllegalStateException(where() + ": the metadata exceeds " + SnapshotMetadataJson.MAX_BYTES + " bytes");
        }
        metadataJson.writeBytes(chunk.data());
    }

    private void acceptFileData(SnapshotChunk chunk) throws IOException {
        if (metadata == null) {
            if (metadataJson.size() == 0) {
                throw new IllegalStateException(where() + ": the first chunk must carry the metadata, not " + chunk);
            }
            parseMetadata();
        }
        if (fileIndex == files.size()) {
            throw new IllegalStateException(where() + ": received " + chunk + " after every file was complete");
        }
        SnapshotFile file = files.get(fileIndex);
        if (!chunk.fileName().equals(file.name()) || chunk.offset() != fileOffset) {
            throw outOfOrder(chunk, expectation());
        }
        byte[] data = chunk.data();
        if (data.length > file.sizeBytes() - fileOffset) {
            throw new CorruptStorageException(where() + ": " + chunk + " goes past the end of the file's "
                    + file.sizeBytes() + " bytes");
        }
        if (channel == null) {
            channel = FileChannel.open(directory.resolve(file.name()), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            fileCrc.reset();
        }
        ByteBuffer buffer = ByteBuffer.wrap(data);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        // Checksummed while the bytes are at hand, so that finish() needs no second pass over them.
        fileCrc.update(data);
        fileOffset += data.length;
        if (fileOffset == file.sizeBytes()) {
            completeFile(file);
        }
    }

    private void acceptEndOfStream() throws IOException {
        if (metadata == null) {
            parseMetadata();
        }
        if (fileIndex < files.size()) {
            throw new IllegalStateException(where() + ": the stream ended while expecting " + expectation());
        }
        lastReceived = true;
    }

    private void parseMetadata() throws IOException {
        try {
            metadata = SnapshotMetadataJson.decode(metadataJson.toByteArray());
        } catch (IllegalArgumentException e) {
            throw new CorruptStorageException(where() + ": the received metadata is invalid: " + e.getMessage());
        }
        files = metadata.files();
        createEmptyFiles();
    }

    private void completeFile(SnapshotFile file) throws IOException {
        FileChannel complete = channel;
        channel = null;
        complete.close();
        Optional<String> mismatch = file.mismatch(fileOffset, (int) fileCrc.getValue());
        if (mismatch.isPresent()) {
            throw new CorruptStorageException(where() + ": " + mismatch.get());
        }
        fileIndex++;
        fileOffset = 0;
        createEmptyFiles();
    }

    /** Empty files have no chunks, so they are created when the stream reaches their turn. */
    private void createEmptyFiles() throws IOException {
        while (fileIndex < files.size() && files.get(fileIndex).sizeBytes() == 0) {
            SnapshotFile file = files.get(fileIndex);
            Optional<String> mismatch = file.mismatch(0, (int) new CRC32C().getValue());
            if (mismatch.isPresent()) {
                throw new CorruptStorageException(where() + ": " + mismatch.get());
            }
            Files.createFile(directory.resolve(file.name()));
            fileIndex++;
        }
    }

    private String expectation() {
        if (metadata == null) {
            return "metadata at offset " + metadataJson.size();
        }
        if (fileIndex == files.size()) {
            return "the end of the stream";
        }
        SnapshotFile file = files.get(fileIndex);
        return "file " + file.name() + " at offset " + fileOffset + " of " + file.sizeBytes();
    }

    private IllegalStateException outOfOrder(SnapshotChunk chunk, String expected) {
        return new IllegalStateException(where() + ": expected " + expected + ", received " + chunk
                + " (a chunk is missing or out of order)");
    }

    /** Names the install in messages: the target snapshot once known, the temporary directory before. */
    private String where() {
        Path target = metadata == null ? directory : store.root().resolve(metadata.id().directoryName());
        return "snapshot install " + target;
    }

    private void requireUsable() {
        if (installed != null) {
            throw new IllegalStateException(where() + ": already finished");
        }
        if (abandonedBecause != null) {
            throw new IllegalStateException(where() + ": abandoned after an earlier failure: " + abandonedBecause);
        }
        if (closed) {
            throw new IllegalStateException(where() + ": closed");
        }
    }

    /** Deletes everything received, remembers why, and hands the failure back for throwing. */
    private <E extends RuntimeException> E abandon(E failure) {
        abandonedBecause = failure.getMessage();
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                failure.addSuppressed(e);
            }
            channel = null;
        }
        SnapshotStore.deleteAfterFailure(directory, failure);
        return failure;
    }
}
