package io.tern.engine.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tern.engine.CorruptStorageException;
import io.tern.engine.StorageException;
import io.tern.engine.cluster.ClusterIdentity;
import io.tern.engine.io.DurableFiles;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * A Tern data directory: its layout, the lock that keeps a second process out, and the identity
 * (cluster id and member id) that keeps a directory from being opened as another member.
 *
 * <pre>
 * DIR/LOCK            held (flock) while a process has the directory open
 * DIR/identity.json   {"format":1,"clusterId":"...","memberId":N}, written once
 * DIR/hardstate       term, vote and bootstrap membership ({@link MemberRecordStore})
 * DIR/log/            the Raft log (Chronicle Queue files)
 * DIR/state/          RocksDB directories of the applied state and the pointer to the live one
 * DIR/snapshots/      snapshots: RocksDB checkpoints with metadata
 * </pre>
 */
public final class DataDirectory implements AutoCloseable {

    public static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private DataDirectory(Path root, FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Creates the directory if needed and locks it against other processes. */
    public static DataDirectory lock(Path root) {
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new StorageException("cannot create the data directory " + root + ": " + e.getMessage(), e);
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(root.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new StorageException("the data directory " + root + " is in use by another process");
            }
            return new DataDirectory(root, channel, lock);
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new StorageException("the data directory " + root + " is already open in this process");
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StorageException("cannot lock the data directory " + root + ": " + e.getMessage(), e);
        } catch (StorageException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    public Path root() {
        return root;
    }

    public Path logDirectory() {
        return root.resolve("log");
    }

    public Path stateDirectory() {
        return root.resolve("state");
    }

    public Path snapshotDirectory() {
        return root.resolve("snapshots");
    }

    public Path hardStateFile() {
        return root.resolve("hardstate");
    }

    private Path identityFile() {
        return root.resolve("identity.json");
    }

    /** The identity recorded in the directory, or empty for a directory never used by Tern. */
    public Optional<ClusterIdentity> identity() {
        Path file = identityFile();
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(file.toFile());
            int format = node.path("format").asInt(-1);
            if (format != FORMAT) {
                throw new StorageException("the data directory " + root + " has format " + format
                        + "; this Tern reads format " + FORMAT + " only (written by " + (format > FORMAT ? "a newer" : "an older")
                        + " Tern?)");
            }
            return Optional.of(new ClusterIdentity(node.path("clusterId").asText(), node.path("memberId").asLong()));
        } catch (IOException | IllegalArgumentException e) {
            throw new CorruptStorageException("corrupt identity file " + file + ": " + e.getMessage());
        }
    }

    /**
     * Records {@code expected} in a new directory, or checks that an existing directory is it.
     *
     * @throws StorageException if the directory belongs to another cluster or member, or holds
     *                          Tern files but no identity
     */
    public void claim(ClusterIdentity expected) {
        Optional<ClusterIdentity> recorded = identity();
        if (recorded.isPresent()) {
            if (!recorded.get().equals(expected)) {
                throw new StorageException("the data directory " + root + " belongs to cluster '"
                        + recorded.get().clusterId() + "' member " + recorded.get().memberId()
                        + ", not cluster '" + expected.clusterId() + "' member " + expected.memberId());
            }
            return;
        }
        if (Files.exists(logDirectory()) || Files.exists(stateDirectory()) || Files.exists(hardStateFile())) {
            throw new CorruptStorageException("the data directory " + root
                    + " holds Tern files but no identity.json: refusing to guess whose they are");
        }
        writeIdentity(expected);
    }

    /**
     * Makes this directory, which must have an identity, belong to another cluster (a forced new
     * cluster: its old peers are then refused at their hello). Replaced atomically.
     *
     * @throws StorageException if the directory has no identity yet or it cannot be written
     */
    public void reassign(ClusterIdentity next) {
        if (identity().isEmpty()) {
            throw new StorageException("the data directory " + root + " has no identity.json: it holds no member");
        }
        writeIdentity(next);
    }

    private void writeIdentity(ClusterIdentity identity) {
        ObjectNode node = JSON.createObjectNode()
                .put("format", FORMAT)
                .put("clusterId", identity.clusterId())
                .put("memberId", identity.memberId());
        try {
            DurableFiles.writeAtomically(identityFile(), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
        } catch (IOException e) {
            throw new StorageException("cannot write " + identityFile() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // Closing the channel releases the lock as well.
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Nothing more to release.
            }
        }
    }
}
