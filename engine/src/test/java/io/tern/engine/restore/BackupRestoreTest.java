package io.tern.engine.restore;

import java.util.Arrays;
import io.tern.engine.CorruptStorageException;
import io.tern.engine.EngineConfig;
import io.tern.engine.FsyncPolicy;
import io.tern.engine.StorageEngine;
import io.tern.engine.StorageException;
import io.tern.engine.cluster.ClusterIdentity;
import io.tern.engine.snapshot.Snapshot;
import io.tern.engine.snapshot.SnapshotBackup;
import io.tern.engine.state.Command;
import io.tern.raft.types.EntryKind;
import io.tern.raft.types.LogEntry;
import io.tern.raft.types.Membership;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A backup restored into the data directories of a new cluster, and every way a restore refuses. */
class BackupRestoreTest {

    private static final ClusterIdentity OLD = new ClusterIdentity("old-cluster", 1);
    private static final Membership OLD_MEMBERS = BackupRestore.voters(Map.of(1L, "10.0.0.1:7379", 2L, "10.0.0.2:7379",
            3L, "10.0.0.3:7379"));
    private static final Membership NEW_MEMBERS = BackupRestore.voters(new TreeMap<>(Map.of(1L, "127.0.0.1:32101",
            2L, "127.0.0.1:32102", 3L, "127.0.0.1:32103")));
    private static final long TERM = 4;
    private static final long LAST = 21;

    @TempDir
    Path dir;

    private Path backup;

    @BeforeEach
    void backUpAMemberOfTheOldCluster() throws IOException {
        backup = dir.resolve("backup.tern");
        try (StorageEngine source = StorageEngine.open(EngineConfig.defaults(dir.resolve("source"), OLD,
                FsyncPolicy.NEVER))) {
            List<LogEntry> entries = new ArrayList<>();
            entries.add(new LogEntry(1, TERM, EntryKind.CONFIG, OLD_MEMBERS.encode()));
            for (long index = 2; index <= LAST; index++) {
                entries.add(new LogEntry(index, TERM, EntryKind.COMMAND,
                        new Command.Put(utf8("key-" + index), utf8("value-" + index)).encode()));
            }
            source.log().append(entries);
            source.apply(entries);
            Snapshot snapshot = source.createSnapshot();
            try (SnapshotBackup.Writer writer = SnapshotBackup.writer(source.openSnapshotReader(snapshot, 4096));
                 OutputStream out = Files.newOutputStream(backup)) {
                while (writer.hasNext()) {
                    out.write(writer.next());
                }
            }
        }
    }

    @Test
    void aRestoredMemberHoldsTheBackedUpStateAndTheNewMembersCommitted() {
        Path data = dir.resolve("member-2");
        BackupRestore.Restored restored = BackupRestore.restore(backup, data, 2, NEW_MEMBERS, null);

        assertEquals(LAST, restored.snapshotIndex());
        assertEquals(LAST + 1, restored.configIndex());
        try (StorageEngine member = StorageEngine.open(EngineConfig.defaults(data, restored.identity(), FsyncPolicy.NEVER))) {
            assertArrayEquals(utf8("value-7"), member.get(utf8("key-7")).value());
            assertEquals(NEW_MEMBERS, member.appliedPoint().membership(), "the new members, applied on open");
            assertEquals(LAST + 1, member.log().committedIndex());
            assertEquals(TERM, member.log().entry(LAST + 1).term(), "terms never decrease along the log");
            assertEquals(TERM, member.memberRecord().current().term(), "no entry of a term above the member's own");
        }
    }

    @Test
    void membersRestoredFromOneBackupWithOneListShareANewClusterId() {
        String first = BackupRestore.restore(backup, dir.resolve("m1"), 1, NEW_MEMBERS, null).identity().clusterId();
        String second = BackupRestore.restore(backup, dir.resolve("m3"), 3, NEW_MEMBERS, null).identity().clusterId();
        Membership elsewhere = BackupRestore.voters(Map.of(1L, "10.9.9.1:7379", 2L, "10.9.9.2:7379"));
        String other = BackupRestore.restore(backup, dir.resolve("e1"), 1, elsewhere, null).identity().clusterId();

        assertEquals(first, second);
        assertNotEquals(first, other, "another member list is another cluster");
        assertNotEquals(OLD.clusterId(), first);
        assertEquals("chosen", BackupRestore.restore(backup, dir.resolve("c1"), 1, NEW_MEMBERS, "chosen").identity()
                .clusterId());
    }

    @Test
    void aNonEmptyDirectoryIsRefusedAndLeftAsItWas() throws IOException {
        Path data = Files.createDirectories(dir.resolve("busy"));
        Files.writeString(data.resolve("notes.txt"), "mine");
        StorageException refused = assertThrows(StorageException.class,
                () -> BackupRestore.restore(backup, data, 1, NEW_MEMBERS, null));
        assertEquals("the data directory " + data + " is not empty: a restore makes a new member, and never writes "
                + "over one", refused.getMessage());
        assertEquals(List.of(data.resolve("notes.txt")), list(data));
        assertNothingStagedIn(dir);
    }

    @Test
    void anEmptyDirectoryIsFilled() throws IOException {
        Path data = Files.createDirectories(dir.resolve("empty"));
        BackupRestore.restore(backup, data, 1, NEW_MEMBERS, null);
        assertTrue(Files.exists(data.resolve("identity.json")));
    }

    @Test
    void aMemberOutsideTheNewMembersIsRefusedAndNothingIsWritten() {
        Path data = dir.resolve("member-4");
        StorageException refused = assertThrows(StorageException.class,
                () -> BackupRestore.restore(backup, data, 4, NEW_MEMBERS, null));
        assertEquals("member 4 is not in the new cluster's members 1, 2, 3", refused.getMessage());
        assertFalse(Files.exists(data));
    }

    @Test
    void aDamagedTruncatedOrNewerBackupIsRefusedInOneLineAndNothingIsWritten() throws IOException {
        byte[] whole = Files.readAllBytes(backup);
        byte[] flipped = whole.clone();
        flipped[whole.length / 2] ^= 1;
        byte[] newer = whole.clone();
        ByteBuffer.wrap(newer).putInt(8, 2);
        Map<String, byte[]> damaged = Map.of("flipped", flipped, "truncated", Arrays.copyOf(whole, whole.length - 100),
                "newer", newer, "tiny", new byte[] {1, 2, 3});
        for (Map.Entry<String, byte[]> file : damaged.entrySet()) {
            Path bad = Files.write(dir.resolve(file.getKey() + ".tern"), file.getValue());
            Path data = dir.resolve("from-" + file.getKey());
            CorruptStorageException refused = assertThrows(CorruptStorageException.class,
                    () -> BackupRestore.restore(bad, data, 1, NEW_MEMBERS, null), file.getKey());
            assertTrue(refused.getMessage().startsWith("not an intact Tern backup: "), refused.getMessage());
            assertEquals(1, refused.getMessage().lines().count());
            assertFalse(Files.exists(data), file.getKey());
        }
        CorruptStorageException newerRefused = assertThrows(CorruptStorageException.class,
                () -> BackupRestore.restore(dir.resolve("newer.tern"), dir.resolve("n"), 1, NEW_MEMBERS, null));
        assertEquals("not an intact Tern backup: it has format 2; this version of Tern reads format 1 (a backup of a "
                + "newer Tern?)", newerRefused.getMessage());
        assertNothingStagedIn(dir);
    }

    @Test
    void aMissingBackupIsRefused() {
        StorageException refused = assertThrows(StorageException.class,
                () -> BackupRestore.restore(dir.resolve("nope.tern"), dir.resolve("m"), 1, NEW_MEMBERS, null));
        assertEquals("cannot read the backup " + dir.resolve("nope.tern") + ": no such readable file", refused.getMessage());
    }

    private static void assertNothingStagedIn(Path parent) throws IOException {
        assertEquals(List.of(), list(parent).stream().filter(p -> p.getFileName().toString().contains(".restoring-"))
                .toList());
    }

    private static List<Path> list(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.sorted().toList();
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
