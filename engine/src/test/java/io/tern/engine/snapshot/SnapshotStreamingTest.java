package io.tern.engine.snapshot;

import io.tern.raft.types.SnapshotChunk;
import io.tern.engine.CorruptStorageException;
import io.tern.engine.StorageException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.tern.engine.snapshot.TestCheckpoints.entries;
import static io.tern.engine.snapshot.TestCheckpoints.randomBytes;
import static io.tern.engine.snapshot.TestCheckpoints.writing;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapshotStreamingTest {

    private static final int CHUNK = 4096;
    /** Spans five and a half chunks. */
    private static final String BIG = "000010.sst";

    @TempDir
    Path temp;

    private SnapshotStore leader;
    private SnapshotStore follower;
    private Snapshot snapshot;
    private Map<String, byte[]> content;

    @BeforeEach
    void createSnapshotOnTheLeader() {
        leader = SnapshotStore.open(temp.resolve("leader"));
        follower = SnapshotStore.open(temp.resolve("follower"));
        content = new LinkedHashMap<>();
        content.put("000009.log", new byte[0]);
        content.put(BIG, randomBytes(5 * CHUNK + CHUNK / 2, 1));
        content.put("000011.sst", randomBytes(3 * CHUNK, 2));
        content.put("CURRENT", "MANIFEST-000004\n".getBytes());
        content.put("LOCK", new byte[0]);
        content.put("MANIFEST-000004", randomBytes(1000, 3));
        content.put("zz-empty", new byte[0]);
        snapshot = leader.capture(writing(500, 4, content));
    }

    @Test
    void aSnapshotStreamedThroughTheWireFormatArrivesIntact() throws IOException {
        Snapshot installed;
        try (SnapshotReader reader = leader.openReader(snapshot, CHUNK);
             SnapshotInstaller installer = follower.beginInstall()) {
            while (reader.hasNext()) {
                installer.accept(SnapshotChunk.decode(reader.next().encode()));
            }
            assertEquals(snapshot.metadata(), installer.metadata().orElseThrow());
            installed = installer.finish();
        }

        assertEquals(snapshot.metadata(), installed.metadata());
        assertEquals(follower.root().resolve("received-" + snapshot.directory().getFileName()), installed.directory());
        for (Map.Entry<String, byte[]> file : content.entrySet()) {
            assertArrayEquals(file.getValue(), Files.readAllBytes(installed.directory().resolve(file.getKey())), file.getKey());
        }
        follower.verify(installed);
        assertEquals(List.of(installed.directory().getFileName().toString()), entries(follower.root()));

        Snapshot adopted = follower.adoptReceived(installed);
        assertEquals(follower.root().resolve(snapshot.directory().getFileName()), adopted.directory());
        assertEquals(adopted, follower.newest().orElseThrow());
        follower.verify(adopted);
        assertEquals(List.of(adopted.directory().getFileName().toString()), entries(follower.root()));
    }

    @Test
    void aReceivedSnapshotIsNotOneOfTheStoresUntilAdopted() {
        Snapshot own = follower.capture(writing(100, 2, TestCheckpoints.smallCheckpoint(9)));
        Snapshot received = install(readAll(snapshot, CHUNK));

        assertEquals(List.of(own), follower.list(), "list() shows only the store's own snapshots");
        assertEquals(own, follower.newest().orElseThrow());
        follower.retainNewest(1);
        assertTrue(Files.isDirectory(received.directory()), "retainNewest leaves received snapshots alone");
        assertThrows(IllegalArgumentException.class, () -> follower.adoptReceived(own));
        assertThrows(IllegalArgumentException.class, () -> follower.discardReceived(own));

        Snapshot adopted = follower.adoptReceived(received);
        assertEquals(List.of(adopted, own), follower.list());
        assertFalse(Files.exists(received.directory()));
    }

    @Test
    void aDiscardedReceivedSnapshotIsGoneAndCannotBeAdopted() {
        Snapshot received = install(readAll(snapshot, CHUNK));
        follower.discardReceived(received);
        assertEquals(List.of(), entries(follower.root()));
        follower.discardReceived(received);
        StorageException e = assertThrows(StorageException.class, () -> follower.adoptReceived(received));
        assertTrue(e.getMessage().contains("it is gone"), e.getMessage());
        assertTrue(follower.newest().isEmpty());
    }

    @Test
    void receivedSnapshotsNeverInstalledAreDeletedOnOpen() {
        Snapshot own = follower.capture(writing(100, 2, TestCheckpoints.smallCheckpoint(9)));
        install(readAll(snapshot, CHUNK));

        SnapshotStore reopened = SnapshotStore.open(follower.root());
        assertEquals(List.of(own.directory().getFileName().toString()), entries(reopened.root()));
        assertEquals(List.of(own), reopened.list());
    }

    @Test
    void chunksStayWithinTheBoundAndTheStreamHasOneShape() {
        int maxChunk = 64; // smaller than the metadata, which must then span several chunks
        List<SnapshotChunk> chunks = readAll(snapshot, maxChunk);

        long metadataChunks = chunks.stream().filter(c -> c.kind() == SnapshotChunk.Kind.METADATA).count();
        assertTrue(metadataChunks > 1, "metadata chunks: " + metadataChunks);
        for (int i = 0; i < chunks.size(); i++) {
            SnapshotChunk chunk = chunks.get(i);
            assertTrue(chunk.data().length <= maxChunk && chunk.data().length > 0, chunk.toString());
            assertTrue(chunk.encode().length <= maxChunk + SnapshotChunk.MAX_HEADER_BYTES, chunk.toString());
            assertEquals(i == chunks.size() - 1, chunk.last(), chunk.toString());
            assertEquals(i < metadataChunks, chunk.kind() == SnapshotChunk.Kind.METADATA, chunk.toString());
        }
        long dataBytes = chunks.stream().filter(c -> c.kind() == SnapshotChunk.Kind.FILE_DATA)
                .mapToLong(c -> c.data().length).sum();
        assertEquals(snapshot.sizeBytes(), dataBytes);

        Snapshot installed = install(chunks);
        assertEquals(snapshot.metadata(), installed.metadata());
        follower.verify(installed);
    }

    @Test
    void aSnapshotOfOnlyEmptyFilesEndsWithItsMetadata() {
        Snapshot empty = leader.capture(writing(600, 4, Map.of("LOCK", new byte[0], "OTHER", new byte[0])));
        List<SnapshotChunk> chunks = readAll(empty, 1 << 20);
        assertEquals(1, chunks.size());
        assertTrue(chunks.getFirst().last());
        Snapshot installed = install(chunks);
        assertEquals(List.of("LOCK", "OTHER", SnapshotMetadata.FILE_NAME).stream().sorted().toList(),
                entries(installed.directory()));
    }

    @Test
    void aMissingChunkIsRejectedAndNothingIsLeftBehind() {
        List<SnapshotChunk> chunks = readAll(snapshot, CHUNK);
        int missing = indexOf(chunks, BIG, 2 * CHUNK);
        chunks.remove(missing);

        SnapshotInstaller installer = follower.beginInstall();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> chunks.forEach(installer::accept));
        assertTrue(e.getMessage().contains("expected file 000010.sst at offset 8192"), e.getMessage());
        assertEquals(List.of(), entries(follower.root()), "the temporary directory is gone");
        assertThrows(IllegalStateException.class, () -> installer.accept(chunks.getLast()), "abandoned for good");
        assertThrows(IllegalStateException.class, installer::finish);
        installer.close();
        assertTrue(follower.newest().isEmpty());
    }

    @Test
    void reorderedChunksAreRejected() {
        List<SnapshotChunk> chunks = readAll(snapshot, CHUNK);
        int first = indexOf(chunks, "000011.sst", 0);
        Collections.swap(chunks, first, first + 1);
        assertInstallFails(chunks, IllegalStateException.class, "a chunk is missing or out of order");
    }

    @Test
    void dataBeforeTheMetadataIsRejected() {
        List<SnapshotChunk> chunks = readAll(snapshot, CHUNK);
        chunks.removeFirst();
        assertInstallFails(chunks, IllegalStateException.class, "the first chunk must carry the metadata");
    }

    @Test
    void aChunkWithoutDataIsRejected() {
        List<SnapshotChunk> chunks = readAll(snapshot, CHUNK);
        chunks.add(1, SnapshotChunk.metadata(chunks.getFirst().data().length, new byte[0], false));
        assertInstallFails(chunks, IllegalStateException.class, "carries no data");
    }

    @Test
    void aChunkAfterTheLastIsRejected() {
        List<SnapshotChunk> chunks = readAll(snapshot, CHUNK);
        chunks.add(chunks.getLast());
        assertInstallFails(chunks, IllegalStateException.class, "after the last chunk");
    }

    @Test
    void finishingBeforeTheLastChunkFailsAndCleansUp() {
        List<SnapshotChunk> chunks = readAll(snapshot, CHUNK);
        SnapshotInstaller installer = follower.beginInstall();
        chunks.subList(0, chunks.size() - 1).forEach(installer::accept);
        IllegalStateException e = assertThrows(IllegalStateException.class, installer::finish);
        assertTrue(e.getMessage().contains("before the last chunk"), e.getMessage());
        assertEquals(List.of(), entries(follower.root()));
    }

    @Test
    void aTamperedDataChunkFailsTheInstallAndLeavesNoSnapshot() {
        List<SnapshotChunk> chunks = readAll(snapshot, CHUNK);
        int victim = indexOf(chunks, BIG, 3 * CHUNK);
        SnapshotChunk original = chunks.get(victim);
        byte[] data = original.data().clone();
        data[100] ^= 0x01;
        chunks.set(victim, SnapshotChunk.fileData(original.fileName(), original.offset(), data, original.last()));

        CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> {
            try (SnapshotInstaller installer = follower.beginInstall()) {
                chunks.forEach(installer::accept);
                installer.finish();
            }
        });
        assertTrue(e.getMessage().contains("file 000010.sst has checksum "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertEquals(List.of(), entries(follower.root()));
        leader.verify(snapshot);
    }

    @Test
    void aFailedInstallLeavesExistingSnapshotsUntouched() {
        Snapshot existing = follower.capture(writing(100, 2, TestCheckpoints.smallCheckpoint(9)));
        List<SnapshotChunk> chunks = readAll(snapshot, CHUNK);
        chunks.remove(chunks.size() - 2);
        assertThrows(IllegalStateException.class, () -> install(chunks));
        assertEquals(List.of(existing), follower.list());
        follower.verify(existing);
        assertEquals(List.of(existing.directory().getFileName().toString()), entries(follower.root()));
    }

    @Test
    void closingWithoutFinishingLeavesNothingBehind() {
        List<SnapshotChunk> chunks = readAll(snapshot, CHUNK);
        SnapshotInstaller installer = follower.beginInstall();
        chunks.subList(0, chunks.size() / 2).forEach(installer::accept);
        assertEquals(1, entries(follower.root()).size());

        installer.close();
        assertEquals(List.of(), entries(follower.root()));
        assertThrows(IllegalStateException.class, () -> installer.accept(chunks.get(chunks.size() / 2)));
        installer.close();
    }

    @Test
    void installingASnapshotThatIsAlreadyThereKeepsTheOneThere() throws IOException {
        Snapshot first = install(readAll(snapshot, CHUNK));
        long modified = Files.getLastModifiedTime(first.directory().resolve(BIG)).toMillis();

        Snapshot second = install(readAll(snapshot, CHUNK));
        assertEquals(first, second);
        assertEquals(modified, Files.getLastModifiedTime(first.directory().resolve(BIG)).toMillis());
        assertEquals(List.of(first.directory().getFileName().toString()), entries(follower.root()));
    }

    @Test
    void tamperedMetadataIsRejected() {
        List<SnapshotChunk> chunks = readAll(snapshot, 1 << 20);
        SnapshotChunk metadata = chunks.getFirst();
        String json = new String(metadata.data()).replace("\"lastIncludedIndex\" : 500", "\"lastIncludedIndex\" : 501");
        chunks.set(0, SnapshotChunk.metadata(0, json.getBytes(), metadata.last()));
        assertInstallFails(chunks, CorruptStorageException.class, "the received metadata is invalid: checksum");
    }

    @Test
    void theReaderRefusesToSendAFileThatNoLongerMatches() {
        TestCheckpoints.flipBits(snapshot.directory().resolve(BIG), 4 * CHUNK + 1, 0x40);
        CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> readAll(snapshot, CHUNK));
        assertTrue(e.getMessage().startsWith("corrupt snapshot " + snapshot.directory() + ": file 000010.sst has checksum"),
                e.getMessage());
    }

    private List<SnapshotChunk> readAll(Snapshot source, int maxChunkBytes) {
        List<SnapshotChunk> chunks = new ArrayList<>();
        try (SnapshotReader reader = leader.openReader(source, maxChunkBytes)) {
            while (reader.hasNext()) {
                chunks.add(reader.next());
            }
        }
        return chunks;
    }

    private Snapshot install(List<SnapshotChunk> chunks) {
        try (SnapshotInstaller installer = follower.beginInstall()) {
            chunks.forEach(installer::accept);
            return installer.finish();
        }
    }

    private void assertInstallFails(List<SnapshotChunk> chunks, Class<? extends RuntimeException> type, String reason) {
        RuntimeException e = assertThrows(type, () -> install(chunks));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertEquals(List.of(), entries(follower.root()), "the temporary directory is gone");
    }

    private static int indexOf(List<SnapshotChunk> chunks, String fileName, long offset) {
        for (int i = 0; i < chunks.size(); i++) {
            if (chunks.get(i).fileName().equals(fileName) && chunks.get(i).offset() == offset) {
                return i;
            }
        }
        throw new AssertionError("no chunk of " + fileName + " at " + offset);
    }
}
