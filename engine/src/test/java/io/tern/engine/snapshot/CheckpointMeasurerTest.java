package io.tern.engine.snapshot;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import static io.tern.engine.snapshot.TestCheckpoints.randomBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class CheckpointMeasurerTest {

    @TempDir
    Path temp;

    private final CheckpointMeasurer measurer = new CheckpointMeasurer();
    private Path first;
    private Path second;

    @BeforeEach
    void directories() throws IOException {
        first = Files.createDirectory(temp.resolve("first"));
        second = Files.createDirectory(temp.resolve("second"));
    }

    @Test
    void measuresSizeAndChecksumOfWhatIsNew() throws IOException {
        Path table = write(first.resolve("000012.sst"), randomBytes(5_000, 1));
        assertEquals(List.of(Checksums.measure(table, "000012.sst")), measurer.measure(List.of(table)));
        assertEquals(5_000, measurer.measure(List.of(table)).getFirst().sizeBytes());
    }

    /**
     * The content is changed behind the file's back (same inode, size and modification time), which
     * RocksDB never does to a table file: the measurer's answer shows whether it read the file again.
     */
    @Test
    void aHardLinkOfAFileMeasuredLastTimeIsNotReadAgain() throws IOException {
        Path table = write(first.resolve("000012.sst"), randomBytes(5_000, 1));
        SnapshotFile measured = measurer.measure(List.of(table)).getFirst();
        Path link = Files.createLink(second.resolve("000012.sst"), table);
        rewriteKeepingSizeAndTime(link, randomBytes(5_000, 2));

        assertEquals(measured, measurer.measure(List.of(link)).getFirst());
    }

    @Test
    void aCopyWithTheSameNameSizeAndTimeIsRead() throws IOException {
        Path table = write(first.resolve("000012.sst"), randomBytes(5_000, 1));
        SnapshotFile measured = measurer.measure(List.of(table)).getFirst();
        Path copy = write(second.resolve("000012.sst"), randomBytes(5_000, 2));
        Files.setLastModifiedTime(copy, Files.getLastModifiedTime(table));

        SnapshotFile again = measurer.measure(List.of(copy)).getFirst();
        assertEquals(Checksums.measure(copy, "000012.sst"), again);
        assertNotEquals(measured.crc32c(), again.crc32c());
    }

    @Test
    void aFileWhoseTimeOrSizeChangedIsRead() throws IOException {
        Path manifest = write(first.resolve("MANIFEST-000004"), randomBytes(700, 1));
        measurer.measure(List.of(manifest));

        write(manifest, randomBytes(700, 2));
        Files.setLastModifiedTime(manifest, FileTime.fromMillis(Files.getLastModifiedTime(manifest).toMillis() + 1_000));
        assertEquals(Checksums.measure(manifest, "MANIFEST-000004"), measurer.measure(List.of(manifest)).getFirst());

        Files.write(manifest, randomBytes(900, 3));
        assertEquals(900, measurer.measure(List.of(manifest)).getFirst().sizeBytes());
    }

    @Test
    void onlyThePreviousCallIsRemembered() throws IOException {
        Path table = write(first.resolve("000012.sst"), randomBytes(5_000, 1));
        measurer.measure(List.of(table));
        measurer.measure(List.of(write(second.resolve("000013.sst"), randomBytes(100, 3))));
        rewriteKeepingSizeAndTime(table, randomBytes(5_000, 2));

        assertEquals(Checksums.measure(table, "000012.sst"), measurer.measure(List.of(table)).getFirst());
    }

    private static Path write(Path file, byte[] content) throws IOException {
        return Files.write(file, content);
    }

    private static void rewriteKeepingSizeAndTime(Path file, byte[] content) throws IOException {
        FileTime modified = Files.getLastModifiedTime(file);
        Files.write(file, content);
        Files.setLastModifiedTime(file, modified);
    }
}
