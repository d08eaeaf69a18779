package io.tern.engine.snapshot;

import io.tern.engine.CorruptStorageException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.tern.engine.snapshot.TestCheckpoints.entries;
import static io.tern.engine.snapshot.TestCheckpoints.randomBytes;
import static io.tern.engine.snapshot.TestCheckpoints.writing;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A snapshot written as one backup stream and loaded back through an installer, and what loading refuses. */
class SnapshotBackupTest {

    private static final int CHUNK = 4096;

    @TempDir
    Path temp;

    private SnapshotStore source;
    private SnapshotStore target;
    private Snapshot snapshot;
    private Map<String, byte[]> content;

    @BeforeEach
    void createSnapshot() {
        source = SnapshotStore.open(temp.resolve("source"));
        target = SnapshotStore.open(temp.resolve("target"));
        content = new LinkedHashMap<>();
        content.put("000009.log", new byte[0]);
        content.put("000010.sst", randomBytes(3 * CHUNK + 17, 1));
        content.put("CURRENT", "MANIFEST-000004\n".getBytes());
        content.put("MANIFEST-000004", randomBytes(1000, 3));
        snapshot = source.capture(writing(500, 4, content));
    }

    @Test
    void aBackupEndsInTheSha256OfItsWholeSectorsAndLoadsBackIntact() throws Exception {
        byte[] backup = backup();

        assertEquals(32, backup.length % 512, "etcdctl takes a length of whole sectors plus a SHA-256 as complete");
        byte[] body = Arrays.copyOf(backup, backup.length - 32);
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(body), Arrays.copyOfRange(backup, body.length, backup.length));

        Snapshot loaded = SnapshotBackup.load(new ByteArrayInputStream(backup), target.beginInstall());
        assertEquals(snapshot.metadata(), loaded.metadata());
        for (Map.Entry<String, byte[]> file : content.entrySet()) {
            assertArrayEquals(file.getValue(), Files.readAllBytes(loaded.directory().resolve(file.getKey())), file.getKey());
        }
        target.verify(loaded);
    }

    @Test
    void theWriterCountsDownToTheLastByte() {
        try (SnapshotBackup.Writer writer = SnapshotBackup.writer(source.openReader(snapshot, CHUNK))) {
            long total = writer.totalBytes();
            long received = 0;
            while (writer.hasNext()) {
                byte[] piece = writer.next();
                assertTrue(piece.length > 0);
                received += piece.length;
                assertEquals(total - received, writer.remainingBytes());
            }
            assertEquals(total, received);
            assertEquals(500, writer.snapshotIndex());
        }
    }

    @Test
    void aChangedByteIsRefusedAndNothingIsKept() throws IOException {
        byte[] backup = backup();
        // Inside the last file: its CRC32C catches it before the SHA-256 does.
        backup[backup.length - 32 - 600] ^= 1;
        CorruptStorageException corrupt = assertThrows(CorruptStorageException.class,
                () -> SnapshotBackup.load(new ByteArrayInputStream(backup), target.beginInstall()));
        assertTrue(corrupt.getMessage().contains("checksum") || corrupt.getMessage().contains("SHA-256"), corrupt.getMessage());
        assertEquals(List.of(), entries(target.root()), "an abandoned load leaves nothing behind");
    }

    @Test
    void aTruncatedOrForeignFileIsRefusedInOneLine() throws IOException {
        byte[] backup = backup();
        CorruptStorageException truncated = assertThrows(CorruptStorageException.class, () -> SnapshotBackup.load(
                new ByteArrayInputStream(Arrays.copyOf(backup, backup.length - 1)), target.beginInstall()));
        assertEquals("not an intact Tern backup: it ends early (truncated?)", truncated.getMessage());

        byte[] bbolt = new byte[4096 + 32];
        CorruptStorageException foreign = assertThrows(CorruptStorageException.class,
                () -> SnapshotBackup.load(new ByteArrayInputStream(bbolt), target.beginInstall()));
        assertTrue(foreign.getMessage().startsWith("not an intact Tern backup: it does not start with TERN-BAK"),
                foreign.getMessage());

        byte[] longer = Arrays.copyOf(backup, backup.length + 1);
        CorruptStorageException trailing = assertThrows(CorruptStorageException.class,
                () -> SnapshotBackup.load(new ByteArrayInputStream(longer), target.beginInstall()));
        assertEquals("not an intact Tern backup: it goes on after its SHA-256", trailing.getMessage());
    }

    @Test
    void aSavedFileIsCheckedAgainstItsSha256WithoutLoadingIt() throws IOException {
        byte[] backup = backup();
        SnapshotBackup.checkSealed(Files.write(temp.resolve("whole"), backup));

        byte[] flipped = backup.clone();
        flipped[backup.length / 2] ^= 1;
        CorruptStorageException changed = assertThrows(CorruptStorageException.class,
                () -> SnapshotBackup.checkSealed(Files.write(temp.resolve("flipped"), flipped)));
        assertEquals("not an intact Tern backup: its SHA-256 does not match its content", changed.getMessage());
        CorruptStorageException cut = assertThrows(CorruptStorageException.class, () -> SnapshotBackup.checkSealed(
                Files.write(temp.resolve("cut"), Arrays.copyOf(backup, 20))));
        assertEquals("not an intact Tern backup: it ends early (truncated?)", cut.getMessage());
    }

    private byte[] backup() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (SnapshotBackup.Writer writer = SnapshotBackup.writer(source.openReader(snapshot, CHUNK))) {
            while (writer.hasNext()) {
                out.writeBytes(writer.next());
            }
        }
        return out.toByteArray();
    }
}
