package io.tern.engine.snapshot;

import io.tern.raft.types.SnapshotFileNames;
import io.tern.raft.types.Membership;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * What a snapshot holds: the last log entry it includes, the membership as of that entry, and
 * every data file with its size and CRC32C. Stored beside the data as {@value #FILE_NAME}.
 *
 * @param lastIncludedIndex the index of the last log entry whose effect the snapshot holds
 * @param lastIncludedTerm the term of that entry
 * @param membership the cluster configuration in force at that entry
 * @param files every data file, in the order a {@link SnapshotReader} streams them (by name)
 */
public record SnapshotMetadata(long lastIncludedIndex, long lastIncludedTerm, Membership membership,
                               List<SnapshotFile> files) {

    /** The metadata file inside every snapshot directory. */
    public static final String FILE_NAME = SnapshotFileNames.METADATA_FILE_NAME;

    public SnapshotMetadata {
        Objects.requireNonNull(membership, "membership");
        files = List.copyOf(files);
        Set<String> names = new HashSet<>();
        for (SnapshotFile file : files) {
            if (!names.add(file.name())) {
                throw new IllegalArgumentException("file " + file.name() + " is listed twice");
            }
        }
        // Validates index and term in one place.
        new SnapshotId(lastIncludedIndex, lastIncludedTerm);
    }

    public SnapshotId id() {
        return new SnapshotId(lastIncludedIndex, lastIncludedTerm);
    }

    /** The total size of the data files (the metadata file not counted). */
    public long dataSizeBytes() {
        return files.stream().mapToLong(SnapshotFile::sizeBytes).sum();
    }

    /**
     * CRC32C over a fixed binary form of every field. It is computed from the values rather than
     * from the JSON text so that the check cannot depend on how a JSON library lays out its output.
     */
    public int checksum() {
        CRC32C crc = new CRC32C();
        try (DataOutputStream out = new DataOutputStream(new CheckedOutputStream(OutputStream.nullOutputStream(), crc))) {
            out.writeLong(lastIncludedIndex);
            out.writeLong(lastIncludedTerm);
            byte[] encodedMembership = membership.encode();
            out.writeInt(encodedMembership.length);
            out.write(encodedMembership);
            out.writeInt(files.size());
            for (SnapshotFile file : files) {
                byte[] name = file.name().getBytes(StandardCharsets.UTF_8);
                out.writeInt(name.length);
                out.write(name);
                out.writeLong(file.sizeBytes());
                out.writeInt(file.crc32c());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("a null output stream failed", e);
        }
        return (int) crc.getValue();
    }
}
