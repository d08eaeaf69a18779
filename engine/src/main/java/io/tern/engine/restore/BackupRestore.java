package io.tern.engine.restore;

import io.tern.engine.CorruptStorageException;
import io.tern.engine.EngineConfig;
import io.tern.engine.FsyncPolicy;
import io.tern.engine.StorageEngine;
import io.tern.engine.StorageException;
import io.tern.engine.cluster.ClusterIdentity;
import io.tern.engine.io.DurableFiles;
import io.tern.engine.snapshot.Snapshot;
import io.tern.engine.snapshot.SnapshotBackup;
import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Makes the data directory of one member of a new cluster from a backup ({@link SnapshotBackup}):
 * the backup's state as the member's snapshot, and a committed CONFIG entry after it that makes the
 * given members the cluster ({@link MembershipOverride}). Every member restored from the same backup
 * with the same members gets the same snapshot, the same entry and the same cluster id, so they form
 * one cluster at once; the cluster id is derived from the backup's SHA-256 and the member list, unless
 * the operator names one, and differs from the backed-up cluster's, so members of that cluster are
 * refused at their hello.
 *
 * <p>Nothing is written to the target unless the whole restore succeeds: the directory is built
 * next to it and renamed into place last.
 */
public final class BackupRestore {

    private static final int DIGEST_BYTES = 32;

    /** What a restore made. */
    public record Restored(ClusterIdentity identity, long snapshotIndex, long configIndex) {
    }

    private BackupRestore() {
    }

    /**
     * @param clusterId the new cluster's id, or {@code null} to derive it from the backup and {@code members}
     * @throws StorageException (one line; a {@link CorruptStorageException} for a damaged backup) if the
     *                          member is not in {@code members}, the target exists and is not empty, the
     *                          backup cannot be read or is not intact, or the disk fails
     */
    public static Restored restore(Path backup, Path dataDirectory, long memberId, Membership members, String clusterId) {
        if (!members.contains(memberId)) {
            throw new StorageException("member " + memberId + " is not in the new cluster's members "
                    + members.members().stream().map(m -> Long.toString(m.id())).collect(Collectors.joining(", ")));
        }
        requireEmptyOrAbsent(dataDirectory);
        if (!Files.isRegularFile(backup) || !Files.isReadable(backup)) {
            throw new StorageException("cannot read the backup " + backup + ": no such readable file");
        }
        try {
            // The whole file against its SHA-256 before anything is created: a damaged one costs no directory.
            SnapshotBackup.checkSealed(backup);
        } catch (IOException e) {
            throw new StorageException("cannot read the backup " + backup + ": " + e.getMessage(), e);
        }
        String id = clusterId != null ? clusterId : deriveClusterId(trailingDigest(backup), members);
        ClusterIdentity identity = new ClusterIdentity(id, memberId);
        Path absolute = dataDirectory.toAbsolutePath();
        Path staging = absolute.resolveSibling("." + absolute.getFileName() + ".restoring-" + UUID.randomUUID());
        try {
            Restored restored;
            try (StorageEngine engine = StorageEngine.open(EngineConfig.defaults(staging, identity, FsyncPolicy.ALWAYS));
                 InputStream in = new BufferedInputStream(Files.newInputStream(backup), 1 << 20)) {
                Snapshot loaded = SnapshotBackup.load(in, engine.beginSnapshotInstall());
                engine.installSnapshot(loaded);
                long configIndex = MembershipOverride.commit(engine, members);
                restored = new Restored(identity, loaded.lastIncludedIndex(), configIndex);
            }
            DurableFiles.fsyncTree(staging);
            requireEmptyOrAbsent(dataDirectory);
            DurableFiles.moveAtomically(staging, absolute);
            return restored;
        } catch (IOException e) {
            throw new StorageException("cannot restore " + backup + " into " + dataDirectory + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(staging);
        }
    }

    /**
     * The id members restored from the backup whose SHA-256 is {@code backupDigest} with
     * {@code members} share: it names the backup and the member list, so two clusters restored from
     * one backup on different hosts differ, and restoring the same member again gives the same id.
     */
    static String deriveClusterId(byte[] backupDigest, Membership members) {
        String list = members.members().stream().map(m -> m.id() + "=" + m.address()).collect(Collectors.joining(","));
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
        sha256.update("tern-restore|".getBytes(StandardCharsets.UTF_8));
        sha256.update(backupDigest);
        byte[] digest = sha256.digest(("|" + list).getBytes(StandardCharsets.UTF_8));
        return "tern-" + HexFormat.of().formatHex(digest, 0, 8);
    }

    /** The SHA-256 a backup ends in, unchecked (loading checks it). */
    private static byte[] trailingDigest(Path backup) {
        try (FileChannel file = FileChannel.open(backup, StandardOpenOption.READ)) {
            if (file.size() < DIGEST_BYTES) {
                throw new CorruptStorageException("not an intact Tern backup: it ends early (truncated?)");
            }
            ByteBuffer digest = ByteBuffer.allocate(DIGEST_BYTES);
            file.read(digest, file.size() - DIGEST_BYTES);
            return digest.array();
        } catch (IOException e) {
            throw new StorageException("cannot read the backup " + backup + ": " + e.getMessage(), e);
        }
    }

    private static void requireEmptyOrAbsent(Path dataDirectory) {
        if (!Files.exists(dataDirectory)) {
            return;
        }
        if (!Files.isDirectory(dataDirectory)) {
            throw new StorageException("the data directory " + dataDirectory + " is a file: a restore makes a new directory");
        }
        try (Stream<Path> entries = Files.list(dataDirectory)) {
            if (entries.findAny().isPresent()) {
                throw new StorageException("the data directory " + dataDirectory
                        + " is not empty: a restore makes a new member, and never writes over one");
            }
        } catch (IOException e) {
            throw new StorageException("cannot read the data directory " + dataDirectory + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path staging) {
        try {
            DurableFiles.deleteTree(staging);
        } catch (IOException | RuntimeException e) {
            // What is left is a hidden directory beside the target, named as a restore's; nothing reads it.
        }
    }

    /** The members of a new cluster, every one a voter, from their ids and addresses. */
    public static Membership voters(Map<Long, String> addresses) {
        return new Membership(addresses.entrySet().stream().map(e -> new Member(e.getKey(), e.getValue(), true)).toList());
    }
}
