package io.tern.engine.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures the files of checkpoints (size and CRC32C), reading only the files the previous snapshot
 * does not already hold. A RocksDB checkpoint hard-links the table files, which RocksDB never changes once
 * written, so most of one snapshot's bytes are the previous snapshot's: reading all of them at every
 * snapshot cost CPU that grew with the state, on a machine busy applying writes (bench/README.md,
 * "Snapshots read only their new files; old ones are deleted off the Raft loop").
 *
 * <p>A file counts as measured when the previous snapshot still holds a file of that name linked to
 * the same inode (a hard link of it: an inode still linked cannot have been given to another file),
 * with the size and modification time it had when it was read; anything else is read. So a table
 * file is checksummed once, when RocksDB has just written it, and if it rots on disk later its first
 * checksum stays, and every transfer of it fails rather than carry the damage. A file system without
 * file keys has every file read.
 */
final class CheckpointMeasurer {

    private record Identity(Object fileKey, long sizeBytes, FileTime modified) {

        static Identity of(Path file) throws IOException {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            return new Identity(attributes.fileKey(), attributes.size(), attributes.lastModifiedTime());
        }
    }

    private record Measured(Identity identity, SnapshotFile file) {
    }

    /** The files of the last snapshot {@link #remember}ed, by name, and where they are. */
    private Map<String, Measured> remembered = Map.of();
    private Path rememberedDirectory;
    /** What the last {@link #measure} read or reused, until it is remembered. */
    private Map<String, Measured> lastMeasured = Map.of();

    /** The files' sizes and checksums, in the order given; each is named by its file name. */
    synchronized List<SnapshotFile> measure(List<Path> files) throws IOException {
        Map<String, Measured> measured = new HashMap<>();
        List<SnapshotFile> result = new ArrayList<>(files.size());
        for (Path file : files) {
            String name = file.getFileName().toString();
            Identity identity = Identity.of(file);
            SnapshotFile known = alreadyMeasured(name, identity);
            SnapshotFile measuredFile = known != null ? known : Checksums.measure(file, name);
            // A file that changed while it was read is read again next time.
            if (identity.fileKey() != null && (known != null || identity.equals(Identity.of(file)))) {
                measured.put(name, new Measured(identity, measuredFile));
            }
            result.add(measuredFile);
        }
        lastMeasured = measured;
        return result;
    }

    /** The files last measured are now the snapshot in {@code directory}, whose files the next measure may reuse. */
    synchronized void remember(Path directory) {
        remembered = lastMeasured;
        rememberedDirectory = directory;
        lastMeasured = Map.of();
    }

    private SnapshotFile alreadyMeasured(String name, Identity identity) throws IOException {
        Measured earlier = remembered.get(name);
        if (identity.fileKey() == null || earlier == null || !earlier.identity().equals(identity)) {
            return null;
        }
        try {
            Identity stillThere = Identity.of(rememberedDirectory.resolve(name));
            return stillThere.equals(identity) ? earlier.file() : null;
        } catch (NoSuchFileException e) {
            return null; // that snapshot is gone, and its inodes may have been given to new files
        }
    }
}
