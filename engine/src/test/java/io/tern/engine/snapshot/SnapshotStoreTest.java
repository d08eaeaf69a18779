package io.tern.engine.snapshot;

import io.tern.engine.CorruptStorageException;
import io.tern.engine.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;

import static io.tern.engine.snapshot.TestCheckpoints.MEMBERSHIP;
import static io.tern.engine.snapshot.TestCheckpoints.entries;
import static io.tern.engine.snapshot.TestCheckpoints.flipBits;
import static io.tern.engine.snapshot.TestCheckpoints.smallCheckpoint;
import static io.tern.engine.snapshot.TestCheckpoints.writing;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapshotStoreTest {

    @TempDir
    Path temp;

    private SnapshotStore open() {
        return SnapshotStore.open(temp.resolve("snapshots"));
    }

    private static Snapshot create(SnapshotStore store, long index, long term) {
        return store.capture(writing(index, term, smallCheckpoint(index)));
    }

    @Test
    void createThenNewestThenVerify() throws IOException {
        SnapshotStore store = open();
        assertTrue(store.newest().isEmpty());

        Map<String, byte[]> content = smallCheckpoint(1);
        Snapshot created = store.capture(writing(120, 3, content));

        Snapshot newest = store.newest().orElseThrow();
        assertEquals(created, newest);
        assertEquals(store.root().resolve("snap-00000000000000000120-3"), newest.directory());
        assertEquals(120, newest.lastIncludedIndex());
        assertEquals(3, newest.lastIncludedTerm());
        assertEquals(MEMBERSHIP, newest.membership());
        assertEquals(List.of("000012.sst", "000013.log", "CURRENT", "MANIFEST-000004"),
                newest.files().stream().map(SnapshotFile::name).toList());
        assertEquals(content.values().stream().mapToLong(bytes -> bytes.length).sum(), newest.sizeBytes());
        for (SnapshotFile file : newest.files()) {
            assertArrayEquals(content.get(file.name()), Files.readAllBytes(newest.directory().resolve(file.name())));
        }
        store.verify(newest);
        assertEquals(List.of(newest.directory().getFileName().toString()), entries(store.root()),
                "nothing but the snapshot is left in the root");
    }

    /** As a RocksDB checkpoint does: the next snapshot hard-links the table files of the one before. */
    private static Snapshot createLinkingTheTableOf(SnapshotStore store, Snapshot before, long index) {
        Map<String, byte[]> rest = smallCheckpoint(index);
        rest.remove("000012.sst");
        rest.put("000014.sst", TestCheckpoints.randomBytes(3_000, index));
        StateCapture writeRest = writing(index, 1, rest);
        return store.capture(directory -> {
            StateCapture.Point point = writeRest.writeInto(directory);
            Files.createLink(directory.resolve("000012.sst"), before.directory().resolve("000012.sst"));
            return point;
        });
    }

    @Test
    void aTableFileSharedWithTheSnapshotBeforeStaysVerifiableOnceThatOneIsDeleted() throws IOException {
        SnapshotStore store = open();
        Snapshot first = create(store, 10, 1);
        Snapshot second = createLinkingTheTableOf(store, first, 20);

        assertEquals(List.of("000012.sst", "000013.log", "000014.sst", "CURRENT", "MANIFEST-000004"),
                second.files().stream().map(SnapshotFile::name).toList());
        assertEquals(first.files().getFirst(), second.files().getFirst());
        assertEquals(Checksums.measure(second.directory().resolve("000014.sst"), "000014.sst"), second.files().get(2));
        store.retainNewest(1);
        store.verify(second);
    }

    /**
     * A table file that rots in place (same size and time) after its snapshot measured it is not read
     * again for the next snapshot: that one records the checksum of what RocksDB wrote, and fails to
     * verify rather than carry the damage on as good.
     */
    @Test
    void aSharedTableFileKeepsTheChecksumOfWhatWasWritten() throws IOException {
        SnapshotStore store = open();
        Snapshot first = create(store, 10, 1);
        Path table = first.directory().resolve("000012.sst");
        FileTime modified = Files.getLastModifiedTime(table);
        flipBits(table, 100, 0x10);
        Files.setLastModifiedTime(table, modified);

        Snapshot second = createLinkingTheTableOf(store, first, 20);
        assertEquals(first.files().getFirst(), second.files().getFirst());
        CorruptStorageException rot = assertThrows(CorruptStorageException.class, () -> store.verify(second));
        assertTrue(rot.getMessage().contains("000012.sst"), rot.getMessage());
    }

    @Test
    void newestAndListOrderByIndexNotByCreation() {
        SnapshotStore store = open();
        create(store, 20, 2);
        create(store, 100, 3);
        create(store, 9, 1);
        assertEquals(List.of(100L, 20L, 9L), store.list().stream().map(Snapshot::lastIncludedIndex).toList());
        assertEquals(100, store.newest().orElseThrow().lastIncludedIndex());
    }

    @Test
    void capturingAPointThatHasASnapshotReturnsThatOneAndKeepsNothingElse() {
        SnapshotStore store = open();
        Snapshot first = create(store, 10, 1);
        Snapshot again = store.capture(writing(10, 1, smallCheckpoint(99)));
        assertEquals(first, again);
        assertEquals(List.of(first.directory().getFileName().toString()), entries(store.root()));
        store.verify(again);
    }

    @Test
    void aFailingWriterLeavesNothingBehind() {
        SnapshotStore store = open();
        StorageException e = assertThrows(StorageException.class, () -> store.capture(directory -> {
            Files.createDirectory(directory);
            Files.write(directory.resolve("000001.sst"), new byte[100]);
            throw new IOException("disk full");
        }));
        assertTrue(e.getMessage().contains("disk full"), e.getMessage());
        assertEquals(List.of(), entries(store.root()));
        assertTrue(store.newest().isEmpty());
    }

    @Test
    void aCheckpointWithASubdirectoryIsRefused() {
        SnapshotStore store = open();
        StorageException e = assertThrows(StorageException.class, () -> store.capture(directory -> {
            Files.createDirectories(directory.resolve("nested"));
            return new StateCapture.Point(10, 1, MEMBERSHIP);
        }));
        assertTrue(e.getMessage().contains("nested"), e.getMessage());
        assertEquals(List.of(), entries(store.root()));
    }

    @Test
    void aFlippedByteInTheMetadataHidesThatSnapshotAndNewestFallsBack() {
        SnapshotStore store = open();
        Snapshot older = create(store, 10, 1);
        Snapshot newer = create(store, 20, 1);
        Path json = newer.directory().resolve(SnapshotMetadata.FILE_NAME);
        // The lastIncludedTerm value: still valid JSON after the flip, so only the checksum catches it.
        String text = readString(json);
        int position = text.indexOf("\"lastIncludedTerm\" : 1") + "\"lastIncludedTerm\" : ".length();
        flipBits(json, position, 0x02);

        assertEquals(older, store.newest().orElseThrow());
        assertEquals(List.of(older), store.list());
        CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> store.load(newer.directory()));
        assertTrue(e.getMessage().startsWith("corrupt snapshot " + newer.directory() + ": snapshot.json"), e.getMessage());
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void metadataThatDescribesAnotherSnapshotIsRefused() throws IOException {
        SnapshotStore store = open();
        Snapshot snapshot = create(store, 10, 1);
        Files.move(snapshot.directory(), store.root().resolve(new SnapshotId(30, 1).directoryName()));
        assertTrue(store.newest().isEmpty());
    }

    @Test
    void verifyNamesTheFileWhoseContentChanged() {
        SnapshotStore store = open();
        Snapshot snapshot = create(store, 10, 1);
        SnapshotFile sst = snapshot.files().getFirst();
        flipBits(snapshot.directory().resolve(sst.name()), 5_000, 0x10);

        CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> store.verify(snapshot));
        String prefix = "corrupt snapshot " + snapshot.directory() + ": file 000012.sst has checksum ";
        assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
        assertTrue(e.getMessage().endsWith(", expected " + Checksums.hex(sst.crc32c())), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertEquals(snapshot, store.newest().orElseThrow(), "newest() does not read the data");
    }

    @Test
    void verifyNamesMissingAndResizedFiles() throws IOException {
        SnapshotStore store = open();
        Snapshot snapshot = create(store, 10, 1);
        Files.write(snapshot.directory().resolve("CURRENT"), new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
        CorruptStorageException grown = assertThrows(CorruptStorageException.class, () -> store.verify(snapshot));
        assertEquals("corrupt snapshot " + snapshot.directory() + ": file CURRENT has 17 bytes, expected 16",
                grown.getMessage());

        Files.delete(snapshot.directory().resolve("MANIFEST-000004"));
        Files.write(snapshot.directory().resolve("CURRENT"), "MANIFEST-000004\n".getBytes());
        CorruptStorageException missing = assertThrows(CorruptStorageException.class, () -> store.verify(snapshot));
        assertEquals("corrupt snapshot " + snapshot.directory() + ": file MANIFEST-000004 is missing", missing.getMessage());
    }

    @Test
    void leftoverTemporaryDirectoriesAreDeletedOnOpen() throws IOException {
        SnapshotStore store = open();
        Snapshot snapshot = create(store, 10, 1);
        Files.createDirectories(store.root().resolve("tmp-create-abc"));
        Files.write(store.root().resolve("tmp-create-abc").resolve("000001.sst"), new byte[10]);
        Files.createDirectories(store.root().resolve("tmp-install-def"));
        Files.write(store.root().resolve("tmp-create-abc.tmp"), new byte[10]);
        Files.createDirectories(store.root().resolve("corrupt-snap-00000000000000000005-1"));

        SnapshotStore reopened = open();
        assertEquals(List.of("corrupt-snap-00000000000000000005-1", snapshot.directory().getFileName().toString()),
                entries(reopened.root()));
        assertEquals(snapshot, reopened.newest().orElseThrow());
    }

    @Test
    void openCreatesAMissingRoot() {
        SnapshotStore store = SnapshotStore.open(temp.resolve("a").resolve("b"));
        assertTrue(Files.isDirectory(store.root()));
    }

    @Test
    void retainNewestDeletesOlderSnapshotsIncludingOlderBrokenOnes() {
        SnapshotStore store = open();
        Snapshot broken = create(store, 5, 1);
        flipBits(broken.directory().resolve(SnapshotMetadata.FILE_NAME), 0, 0x01);
        create(store, 10, 1);
        create(store, 20, 1);
        Snapshot third = create(store, 30, 2);
        Snapshot newest = create(store, 40, 2);

        store.retainNewest(2);

        assertEquals(List.of(newest, third), store.list());
        assertEquals(List.of(third.directory().getFileName().toString(), newest.directory().getFileName().toString()),
                entries(store.root()));
        assertThrows(IllegalArgumentException.class, () -> store.retainNewest(0));
    }

    @Test
    void retainNewestCountsOnlySnapshotsWhoseMetadataIsGood() {
        SnapshotStore store = open();
        Snapshot oldest = create(store, 10, 1);
        Snapshot kept = create(store, 20, 1);
        Snapshot brokenNewest = create(store, 30, 1);
        flipBits(brokenNewest.directory().resolve(SnapshotMetadata.FILE_NAME), 0, 0x01);

        store.retainNewest(1);

        assertEquals(List.of(kept), store.list());
        assertFalse(Files.exists(oldest.directory()));
        assertTrue(Files.isDirectory(brokenNewest.directory()), "a newer broken snapshot is not ours to delete");
    }

    @Test
    void retainNewestKeepsASnapshotWhileItIsBeingStreamed() {
        SnapshotStore store = open();
        Snapshot old = create(store, 10, 1);
        Snapshot current = create(store, 20, 1);
        try (SnapshotReader reader = store.openReader(old, 1024)) {
            reader.next();
            store.retainNewest(1);
            assertEquals(List.of(current, old), store.list());
        }
        store.retainNewest(1);
        assertEquals(List.of(current), store.list());
    }

    @Test
    void quarantineSetsACorruptSnapshotAsideForGood() throws IOException {
        SnapshotStore store = open();
        Snapshot older = create(store, 10, 1);
        Snapshot newer = create(store, 20, 1);

        store.quarantine(newer);
        assertEquals(older, store.newest().orElseThrow());
        Path aside = store.root().resolve("corrupt-" + newer.directory().getFileName());
        assertTrue(Files.exists(aside.resolve("000012.sst")), "kept for a human to look at");

        Snapshot again = create(store, 20, 1);
        store.quarantine(again);
        assertTrue(Files.isDirectory(store.root().resolve(aside.getFileName() + ".2")));
        store.retainNewest(1);
        assertTrue(Files.isDirectory(aside), "retainNewest never deletes quarantined snapshots");
        assertEquals(List.of(older), store.list());
    }

    @Test
    void creatingOverASnapshotWithBadMetadataQuarantinesTheOldOne() {
        SnapshotStore store = open();
        Snapshot damaged = create(store, 10, 1);
        flipBits(damaged.directory().resolve(SnapshotMetadata.FILE_NAME), 3, 0x01);

        Snapshot recreated = create(store, 10, 1);
        assertEquals(recreated, store.newest().orElseThrow());
        store.verify(recreated);
        assertTrue(Files.isDirectory(store.root().resolve("corrupt-" + damaged.directory().getFileName())));
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
