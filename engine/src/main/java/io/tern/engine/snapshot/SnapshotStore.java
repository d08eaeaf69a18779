package io.tern.engine.snapshot;

import io.tern.raft.types.SnapshotFileNames;
import io.tern.engine.CorruptStorageException;
import io.tern.engine.StorageException;
import io.tern.engine.io.DurableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The snapshots of one node, each a directory under one root (for example {@code data/snapshots}).
 *
 * <p>A snapshot received from another node is first kept apart, as {@code received-<name>}: it is
 * not one of this node's snapshots ({@link #newest}, {@link #list} and {@link #retainNewest} do not
 * see it) until {@link #adoptReceived} moves it among them, which the node does only once Raft
 * installs it. Until then the node's own log may disagree with it, so nothing may take it for the
 * node's own state. Received snapshots left over from before a restart are deleted on open: Raft
 * has forgotten them, and the leader sends another if it is still needed.
 *
 * <p>Safe to use from several threads: the slow parts (writing a checkpoint, reading files) run
 * outside the store's lock (measuring a checkpoint holds only the measurer's), and the steps that
 * rename or delete directories are serialized. Every failure surfaces
 * as a {@link StorageException} (a {@link CorruptStorageException} when bytes on disk are wrong)
 * with a one-line message naming the directory.
 */
public final class SnapshotStore {

    private static final Logger log = LoggerFactory.getLogger(SnapshotStore.class);

    static final String TEMPORARY_PREFIX = "tmp-";
    static final String QUARANTINE_PREFIX = "corrupt-";
    static final String RECEIVED_PREFIX = "received-";

    private final Path root;
    /** Directories with open readers: kept by {@link #retainNewest} until the last reader closes. */
    private final Map<Path, Integer> readersByDirectory = new HashMap<>();
    private final CheckpointMeasurer measurer = new CheckpointMeasurer();

    private SnapshotStore(Path root) {
        this.root = root;
    }

    /**
     * Opens the store at {@code root}, creating the directory if needed, and deletes the
     * {@code tmp-*} entries that an interrupted create, install or delete left behind, and the
     * {@code received-*} snapshots that were never installed.
     */
    public static SnapshotStore open(Path root) {
        Objects.requireNonNull(root, "root");
        try {
            if (!Files.isDirectory(root)) {
                Files.createDirectories(root);
                Path parent = root.toAbsolutePath().getParent();
                if (parent != null) {
                    DurableFiles.fsyncDirectory(parent);
                }
            }
            try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(root, TEMPORARY_PREFIX + "*")) {
                for (Path leftover : leftovers) {
                    log.info("deleting {}, left by an interrupted snapshot operation", leftover);
                    DurableFiles.deleteTree(leftover);
                }
            }
            try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(root, RECEIVED_PREFIX + "*")) {
                for (Path leftover : leftovers) {
                    log.info("deleting {}, received from a leader but never installed", leftover);
                    DurableFiles.deleteTree(leftover);
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot open snapshot directory " + root + ": " + describe(e), e);
        }
        return new SnapshotStore(root);
    }

    /** The directory that holds the snapshots. */
    public Path root() {
        return root;
    }

    /**
     * Makes a snapshot of the point {@code capture} writes: it fills a temporary directory, then each
     * file is measured (read, unless the previous snapshot holds it already: {@link CheckpointMeasurer}),
     * the metadata written, everything forced to disk, and the directory renamed to its final name. A
     * crash at any point leaves either no snapshot or the complete one. Only the capture needs the state
     * to hold still; the rest does not. If a good snapshot of that point exists already, it is returned
     * and the new files are deleted.
     *
     * @throws StorageException if the capture or the disk fails; nothing is left behind
     */
    public Snapshot capture(StateCapture capture) {
        Objects.requireNonNull(capture, "capture");
        Path temporary = newTemporaryPath("create");
        StateCapture.Point point = null;
        try {
            point = capture.writeInto(temporary);
            SnapshotMetadata metadata = new SnapshotMetadata(point.index(), point.term(), point.membership(),
                    measureCheckpoint(temporary));
            Files.write(temporary.resolve(SnapshotMetadata.FILE_NAME), SnapshotMetadataJson.encode(metadata),
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            DurableFiles.fsyncTree(temporary);
            Snapshot published = publish(temporary, metadata);
            // Also when an existing snapshot was returned instead: the measurer reuses only files
            // still linked to the inodes it measured.
            measurer.remember(published.directory());
            return published;
        } catch (Exception e) {
            deleteAfterFailure(temporary, e);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            String what = point == null ? "a snapshot in " + root
                    : "snapshot " + root.resolve(new SnapshotId(point.index(), point.term()).directoryName());
            throw new StorageException("cannot create " + what + ": " + describe(e), e);
        }
    }

    /**
     * The newest snapshot whose metadata reads back and passes its checksum. Cheap: data files are
     * not read (see {@link #verify}). Snapshots with bad metadata are skipped with a warning.
     */
    public synchronized Optional<Snapshot> newest() {
        for (Path directory : snapshotDirectoriesNewestFirst()) {
            Optional<Snapshot> snapshot = loadOrSkip(directory);
            if (snapshot.isPresent()) {
                return snapshot;
            }
        }
        return Optional.empty();
    }

    /** Every snapshot whose metadata is good, newest first. */
    public synchronized List<Snapshot> list() {
        List<Snapshot> snapshots = new ArrayList<>();
        for (Path directory : snapshotDirectoriesNewestFirst()) {
            loadOrSkip(directory).ifPresent(snapshots::add);
        }
        return snapshots;
    }

    /**
     * Reads every data file of {@code snapshot} and checks its size and CRC32C against the metadata.
     *
     * @throws CorruptStorageException naming the snapshot directory and the first file that is
     *     missing or differs, e.g. {@code corrupt snapshot data/snapshots/snap-...: file 000012.sst
     *     has checksum 1a2b3c4d, expected 5e6f7a8b}
     */
    public void verify(Snapshot snapshot) {
        for (SnapshotFile expected : snapshot.files()) {
            Path file = snapshot.directory().resolve(expected.name());
            try {
                // The size is a stat away; only read the file if it can still match.
                long size = Files.size(file);
                Optional<String> mismatch = expected.mismatch(size, expected.crc32c());
                if (mismatch.isEmpty()) {
                    SnapshotFile actual = Checksums.measure(file, expected.name());
                    mismatch = expected.mismatch(actual.sizeBytes(), actual.crc32c());
                }
                if (mismatch.isPresent()) {
                    throw corrupt(snapshot.directory(), mismatch.get());
                }
            } catch (NoSuchFileException e) {
                throw corrupt(snapshot.directory(), "file " + expected.name() + " is missing");
            } catch (IOException e) {
                throw new StorageException("cannot read " + file + ": " + describe(e), e);
            }
        }
    }

    /**
     * Deletes every snapshot older than the {@code count} newest good ones, including older ones
     * whose metadata is bad (a newer good snapshot makes them useless). A snapshot that an open
     * {@link SnapshotReader} is streaming is kept until a later call. Quarantined snapshots are
     * never deleted.
     */
    public synchronized void retainNewest(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("must keep at least one snapshot, asked to keep " + count);
        }
        int kept = 0;
        for (Path directory : snapshotDirectoriesNewestFirst()) {
            if (kept < count) {
                if (loadOrSkip(directory).isPresent()) {
                    kept++;
                }
            } else if (readersByDirectory.containsKey(key(directory))) {
                log.debug("keeping {} for now: it is being streamed", directory);
            } else {
                delete(directory);
            }
        }
    }

    /**
     * Renames a corrupt snapshot to {@code corrupt-<name>} (with a numeric suffix if that is taken),
     * so that it is never picked again but stays for a human to look at.
     */
    public synchronized void quarantine(Snapshot snapshot) {
        requireInThisStore(snapshot);
        try {
            quarantineDirectory(snapshot.directory());
        } catch (IOException e) {
            throw new StorageException("cannot quarantine snapshot " + snapshot.directory() + ": " + describe(e), e);
        }
    }

    /**
     * Opens a reader that streams {@code snapshot} in chunks of at most {@code maxChunkBytes} of
     * data each. The snapshot is not deleted by {@link #retainNewest} while the reader is open.
     */
    public SnapshotReader openReader(Snapshot snapshot, int maxChunkBytes) {
        requireInThisStore(snapshot);
        Path key = key(snapshot.directory());
        synchronized (this) {
            readersByDirectory.merge(key, 1, Integer::sum);
        }
        try {
            return new SnapshotReader(snapshot, maxChunkBytes, () -> readerClosed(key));
        } catch (RuntimeException e) {
            readerClosed(key);
            throw e;
        }
    }

    /**
     * Starts receiving a snapshot streamed from another node, into a fresh temporary directory;
     * {@link SnapshotInstaller#finish()} keeps it apart as a received snapshot (see {@link #adoptReceived}).
     */
    public SnapshotInstaller beginInstall() {
        Path temporary = newTemporaryPath("install");
        try {
            Files.createDirectory(temporary);
        } catch (IOException e) {
            throw new StorageException("cannot start a snapshot install in " + root + ": " + describe(e), e);
        }
        return new SnapshotInstaller(this, temporary);
    }

    /**
     * Makes a received snapshot one of this store's snapshots (see the class comment): the caller
     * has decided to install it. Returns the snapshot at its new place, or the good one of the same
     * name that the store holds already.
     *
     * @throws IllegalArgumentException if {@code received} is not a received snapshot of this store
     * @throws StorageException if it is gone (say, discarded) or cannot be moved
     */
    public synchronized Snapshot adoptReceived(Snapshot received) {
        requireReceived(received);
        try {
            return publish(received.directory(), received.metadata());
        } catch (NoSuchFileException e) {
            throw new StorageException("cannot adopt received snapshot " + received.directory() + ": it is gone", e);
        } catch (IOException e) {
            throw new StorageException("cannot adopt received snapshot " + received.directory() + ": " + describe(e), e);
        }
    }

    /** Deletes a received snapshot that will not be installed; nothing happens if it is gone already. */
    public synchronized void discardReceived(Snapshot received) {
        requireReceived(received);
        if (Files.exists(received.directory(), LinkOption.NOFOLLOW_LINKS)) {
            delete(received.directory());
        }
    }

    /**
     * Keeps a complete, durable temporary directory received from another node apart from this
     * store's snapshots, as {@code received-<name>}. If a received snapshot of that name is there
     * already, it is kept and the temporary directory deleted: the first may be being installed.
     */
    synchronized Snapshot keepReceived(Path temporary, SnapshotMetadata metadata) throws IOException {
        return moveIntoPlace(temporary, root.resolve(RECEIVED_PREFIX + metadata.id().directoryName()), metadata,
                "a received snapshot", this::delete);
    }

    /**
     * Moves a complete, durable temporary directory into place under its final name. If a good
     * snapshot of that name is there already, it wins and the temporary directory is deleted; a bad
     * one is quarantined and replaced.
     */
    synchronized Snapshot publish(Path temporary, SnapshotMetadata metadata) throws IOException {
        return moveIntoPlace(temporary, root.resolve(metadata.id().directoryName()), metadata, "a snapshot",
                this::quarantineDirectory);
    }

    private interface SetAside {
        void setAside(Path badDirectory) throws IOException;
    }

    /** The one way a finished directory takes its name: a good one already there wins, a bad one is set aside. */
    private Snapshot moveIntoPlace(Path temporary, Path target, SnapshotMetadata metadata, String what,
                                   SetAside badOne) throws IOException {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Snapshot existing = load(target);
                DurableFiles.deleteTree(temporary);
                return existing;
            } catch (CorruptStorageException e) {
                log.warn("replacing {} whose metadata is bad: {}", what, e.getMessage());
                badOne.setAside(target);
            }
        }
        DurableFiles.moveAtomically(temporary, target);
        return new Snapshot(target, metadata);
    }

    /**
     * Reads the metadata of one snapshot directory.
     *
     * @throws CorruptStorageException if it is missing, invalid, or names another snapshot
     */
    Snapshot load(Path directory) {
        Path file = directory.resolve(SnapshotMetadata.FILE_NAME);
        byte[] json;
        try {
            long size = Files.size(file);
            if (size > SnapshotMetadataJson.MAX_BYTES) {
                throw corrupt(directory, SnapshotMetadata.FILE_NAME + " has " + size + " bytes, more than any metadata");
            }
            json = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw corrupt(directory, SnapshotMetadata.FILE_NAME + " is missing");
        } catch (IOException e) {
            throw new StorageException("cannot read " + file + ": " + describe(e), e);
        }
        SnapshotMetadata metadata;
        try {
            metadata = SnapshotMetadataJson.decode(json);
        } catch (IllegalArgumentException e) {
            throw corrupt(directory, SnapshotMetadata.FILE_NAME + " is invalid: " + e.getMessage());
        }
        String name = directory.getFileName().toString();
        if (name.startsWith(RECEIVED_PREFIX)) {
            name = name.substring(RECEIVED_PREFIX.length());
        }
        if (!metadata.id().directoryName().equals(name)) {
            throw corrupt(directory, SnapshotMetadata.FILE_NAME + " describes " + metadata.id().directoryName());
        }
        return new Snapshot(directory, metadata);
    }

    static CorruptStorageException corrupt(Path directory, String detail) {
        return new CorruptStorageException("corrupt snapshot " + directory + ": " + detail);
    }

    static String describe(Exception e) {
        String message = e.getMessage() == null ? "" : ": " + e.getMessage().replaceAll("\\s+", " ");
        return e.getClass().getSimpleName() + message;
    }

    /** Removes a temporary directory after a failure, reporting a failed delete on {@code failure}. */
    static void deleteAfterFailure(Path temporary, Exception failure) {
        try {
            DurableFiles.deleteTree(temporary);
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private Optional<Snapshot> loadOrSkip(Path directory) {
        try {
            return Optional.of(load(directory));
        } catch (CorruptStorageException e) {
            log.warn("skipping snapshot: {}", e.getMessage());
            return Optional.empty();
        }
    }

    private List<Path> snapshotDirectoriesNewestFirst() {
        record Candidate(SnapshotId id, Path directory) {
        }
        List<Candidate> candidates = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                SnapshotId.parse(entry.getFileName().toString())
                        .filter(id -> Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS))
                        .ifPresent(id -> candidates.add(new Candidate(id, entry)));
            }
        } catch (IOException e) {
            throw new StorageException("cannot list snapshot directory " + root + ": " + describe(e), e);
        }
        candidates.sort(Comparator.comparing(Candidate::id).reversed());
        return candidates.stream().map(Candidate::directory).toList();
    }

    /**
     * Renames the snapshot to a temporary name first, so that a crash halfway through deleting
     * leaves debris that {@link #open} removes, never a half-deleted {@code snap-} directory.
     */
    private void delete(Path directory) {
        Path doomed = newTemporaryPath("delete-" + directory.getFileName());
        try {
            DurableFiles.moveAtomically(directory, doomed);
            DurableFiles.deleteTree(doomed);
        } catch (IOException e) {
            throw new StorageException("cannot delete snapshot " + directory + ": " + describe(e), e);
        }
        log.info("deleted snapshot {}", directory);
    }

    private void quarantineDirectory(Path directory) throws IOException {
        String name = QUARANTINE_PREFIX + directory.getFileName();
        Path target = root.resolve(name);
        for (int n = 2; Files.exists(target, LinkOption.NOFOLLOW_LINKS); n++) {
            target = root.resolve(name + "." + n);
        }
        DurableFiles.moveAtomically(directory, target);
        log.warn("quarantined snapshot {} as {}", directory, target);
    }

    private void requireInThisStore(Snapshot snapshot) {
        Path parent = key(snapshot.directory()).getParent();
        if (!key(root).equals(parent)) {
            throw new IllegalArgumentException("snapshot " + snapshot.directory() + " is not in store " + root);
        }
    }

    private void requireReceived(Snapshot snapshot) {
        requireInThisStore(snapshot);
        if (!snapshot.directory().getFileName().toString().startsWith(RECEIVED_PREFIX)) {
            throw new IllegalArgumentException("snapshot " + snapshot.directory() + " was not received from another node");
        }
    }

    private synchronized void readerClosed(Path key) {
        readersByDirectory.computeIfPresent(key, (directory, readers) -> readers == 1 ? null : readers - 1);
    }

    private Path newTemporaryPath(String purpose) {
        String suffix = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
        return root.resolve(TEMPORARY_PREFIX + purpose + "-" + suffix);
    }

    private static Path key(Path directory) {
        return directory.toAbsolutePath().normalize();
    }

    /** Lists the checkpoint's files with their sizes and checksums, refusing anything but plain files. */
    private List<SnapshotFile> measureCheckpoint(Path directory) throws IOException {
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("the checkpoint writer did not create the directory " + directory);
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException("the checkpoint holds " + name + ", which is not a regular file");
                }
                try {
                    SnapshotFileNames.requireValidName(name);
                } catch (IllegalArgumentException e) {
                    throw new IOException("the checkpoint holds a file a snapshot cannot carry: " + e.getMessage());
                }
                files.add(entry);
            }
        }
        files.sort(Comparator.comparing(file -> file.getFileName().toString()));
        return measurer.measure(files);
    }
}
