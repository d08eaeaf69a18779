package io.tern.engine.snapshot;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.List;

import static io.tern.engine.snapshot.TestCheckpoints.randomBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Several tests change a file's content behind its back (same inode, size and modification time),
 * which RocksDB never does to a table file: the measurer's answer then shows whether it read the
 * file again.
 */
class CheckpointMeasurerTest {

    private static final String TABLE = "000012.sst";

    @TempDir
    Path temp;

    private final CheckpointMeasurer measurer = new CheckpointMeasurer();
    private Path first;
    private Path second;

    @BeforeEach
    void directories() throws IOException {
        first = Files.createDirectory(temp.resolve("first"));
        second = Files.createDirectory(temp.resolve("second"));
        assumeTrue(Files.readAttributes(first, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey() != null,
                "the file system gives files keys");
    }

    @Test
    void measuresSizeAndChecksum() throws IOException {
        Path table = Files.write(first.resolve(TABLE), randomBytes(5_000, 1));
        SnapshotFile measured = measurer.measure(List.of(table)).getFirst();
        assertEquals(5_000, measured.sizeBytes());
        assertEquals(Checksums.measure(table, TABLE), measured);
    }

    @Test
    void aHardLinkOfAFileTheRememberedSnapshotHoldsIsNotReadAgain() throws IOException {
        SnapshotFile measured = measureAndRemember(first, Files.write(first.resolve(TABLE), randomBytes(5_000, 1)));
        Path link = Files.createLink(second.resolve(TABLE), first.resolve(TABLE));
        rewriteKeepingSizeAndTime(link, randomBytes(5_000, 2));

        assertEquals(measured, measurer.measure(List.of(link)).getFirst());
    }

    /** Once the remembered snapshot's link is gone, its inode may be another file's. */
    @Test
    void aFileTheRememberedSnapshotNoLongerHoldsIsRead() throws IOException {
        SnapshotFile measured = measureAndRemember(first, Files.write(first.resolve(TABLE), randomBytes(5_000, 1)));
        Path link = Files.createLink(second.resolve(TABLE), first.resolve(TABLE));
        Files.delete(first.resolve(TABLE));
        rewriteKeepingSizeAndTime(link, randomBytes(5_000, 2));

        SnapshotFile again = measurer.measure(List.of(link)).getFirst();
        assertEquals(Checksums.measure(link, TABLE), again);
        assertNotEquals(measured.crc32c(), again.crc32c());
    }

    @Test
    void aCopyWithTheSameNameSizeAndTimeIsRead() throws IOException {
        Path table = Files.write(first.resolve(TABLE), randomBytes(5_000, 1));
        measureAndRemember(first, table);
        Path copy = Files.write(second.resolve(TABLE), randomBytes(5_000, 2));
        Files.setLastModifiedTime(copy, Files.getLastModifiedTime(table));

        assertEquals(Checksums.measure(copy, TABLE), measurer.measure(List.of(copy)).getFirst());
    }

    @Test
    void aFileWhoseTimeOrSizeChangedIsRead() throws IOException {
        Path manifest = Files.write(first.resolve("MANIFEST-000004"), randomBytes(700, 1));
        measureAndRemember(first, manifest);

        Files.write(manifest, randomBytes(700, 2));
        Files.setLastModifiedTime(manifest, FileTime.fromMillis(Files.getLastModifiedTime(manifest).toMillis() + 1_000));
        assertEquals(Checksums.measure(manifest, "MANIFEST-000004"), measureAndRemember(first, manifest));

        Files.write(manifest, randomBytes(900, 3));
        assertEquals(900, measurer.measure(List.of(manifest)).getFirst().sizeBytes());
    }

    /** A capture that failed after measuring never remembers: the snapshot before it stays the one reused. */
    @Test
    void aMeasureNotRememberedLeavesTheRememberedSnapshot() throws IOException {
        SnapshotFile measured = measureAndRemember(first, Files.write(first.resolve(TABLE), randomBytes(5_000, 1)));
        measurer.measure(List.of(Files.write(second.resolve("000013.sst"), randomBytes(100, 3))));
        Path third = Files.createDirectory(temp.resolve("third"));
        Path link = Files.createLink(third.resolve(TABLE), first.resolve(TABLE));
        rewriteKeepingSizeAndTime(link, randomBytes(5_000, 2));

        assertEquals(measured, measurer.measure(List.of(link)).getFirst());
    }

    @Test
    void onlyTheLastRememberedSnapshotIsReused() throws IOException {
        Path table = Files.write(first.resolve(TABLE), randomBytes(5_000, 1));
        measureAndRemember(first, table);
        measureAndRemember(second, Files.write(second.resolve("000013.sst"), randomBytes(100, 3)));
        rewriteKeepingSizeAndTime(table, randomBytes(5_000, 2));

        assertEquals(Checksums.measure(table, TABLE), measurer.measure(List.of(table)).getFirst());
    }

    private SnapshotFile measureAndRemember(Path directory, Path file) throws IOException {
        SnapshotFile measured = measurer.measure(List.of(file)).getFirst();
        measurer.remember(directory);
        return measured;
    }

    private static void rewriteKeepingSizeAndTime(Path file, byte[] content) throws IOException {
        FileTime modified = Files.getLastModifiedTime(file);
        Files.write(file, content);
        Files.setLastModifiedTime(file, modified);
    }
}
