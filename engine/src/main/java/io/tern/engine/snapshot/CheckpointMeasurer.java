package io.tern.engine.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures the files of checkpoints (size and CRC32C), reading only the files the previous checkpoint
 * did not already hold. A RocksDB checkpoint hard-links the table files, which RocksDB never changes
 * once written, so most of one snapshot's bytes are the previous snapshot's: reading all of them at
 * every snapshot cost CPU that grew with the state, on a machine busy applying writes
 * (bench/README.md, "Snapshots read only their new files").
 *
 * <p>A file counts as already measured when its name, its file key (device and inode), its size and its
 * modification time all equal those of a file the previous call measured; anything else is read. So a
 * checksum is taken when RocksDB has just written the file, and a table file that rots on disk later
 * keeps its first checksum: a member that receives it finds the damage rather than a checksum of it.
 * A file system without file keys has every file read.
 */
final class CheckpointMeasurer {

    private record Identity(String name, Object fileKey, long sizeBytes, FileTime modified) {
    }

    /** What the previous call measured; each call replaces it, so it never outgrows one checkpoint. */
    private Map<Identity, SnapshotFile> previous = Map.of();

    /** The files' sizes and checksums, in the order given; each is named by its file name. */
    synchronized List<SnapshotFile> measure(List<Path> files) throws IOException {
        Map<Identity, SnapshotFile> measured = new HashMap<>();
        List<SnapshotFile> result = new ArrayList<>(files.size());
        for (Path file : files) {
            String name = file.getFileName().toString();
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            Identity identity = attributes.fileKey() == null ? null
                    : new Identity(name, attributes.fileKey(), attributes.size(), attributes.lastModifiedTime());
            SnapshotFile known = identity == null ? null : previous.get(identity);
            SnapshotFile measuredFile = known != null ? known : Checksums.measure(file, name);
            // A file that changed while it was read is left for the next call to read again.
            if (identity != null && measuredFile.sizeBytes() == identity.sizeBytes()) {
                measured.put(identity, measuredFile);
            }
            result.add(measuredFile);
        }
        previous = measured;
        return result;
    }
}
