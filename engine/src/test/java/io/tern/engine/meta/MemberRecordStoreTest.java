package io.tern.engine.meta;

import io.tern.engine.StorageException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import io.tern.engine.CorruptStorageException;
import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemberRecordStoreTest {

    @TempDir
    Path dir;

    private final Membership three = new Membership(List.of(
            new Member(1, "127.0.0.1:7379", true),
            new Member(2, "127.0.0.1:7380", true),
            new Member(3, "127.0.0.1:7381", false)));

    @Test
    void startsFromTheInitialStateWhenNothingWasSaved() {
        assertEquals(MemberRecord.INITIAL, MemberRecordStore.open(dir.resolve("hardstate")).current());
    }

    @Test
    void savedStateIsReadBackAfterReopen() {
        Path file = dir.resolve("hardstate");
        MemberRecordStore store = MemberRecordStore.open(file);
        store.save(new MemberRecord(7, 3, three));
        store.save(store.current().withTermAndVote(8, 0));
        assertEquals(new MemberRecord(8, 0, three), MemberRecordStore.open(file).current());
        assertFalse(Files.exists(dir.resolve("hardstate.tmp")), "the temporary file was renamed into place");
    }

    /**
     * A save writes a temporary file, forces it, renames it over the old one and forces the
     * directory. A power cut at any step leaves one of these disks; each opens as the old state or
     * the new one, and the next save goes through.
     */
    @Test
    void aPowerCutDuringASaveLeavesTheOldStateOrTheNewOneNeverAMix() throws IOException {
        MemberRecord old = new MemberRecord(7, 3, three);
        MemberRecord saved = old.withTermAndVote(8, 2);
        byte[] newBytes = MemberRecordStore.encode(saved);
        byte[] garbledPrefix = java.util.Arrays.copyOf(newBytes, newBytes.length / 2);
        garbledPrefix[garbledPrefix.length - 1] ^= 0x55;
        record Disk(String cutDuring, byte[] temporary, boolean renamed, MemberRecord expected) {
        }
        List<Disk> disks = List.of(
                new Disk("writing the temporary file", new byte[0], false, old),
                new Disk("writing the temporary file", garbledPrefix, false, old),
                new Disk("writing the temporary file", new byte[newBytes.length], false, old),
                new Disk("the rename, not yet durable", newBytes, false, old),
                new Disk("the directory's fsync, the rename durable", null, true, saved));
        for (Disk disk : disks) {
            Path root = Files.createDirectories(dir.resolve("cut-" + disks.indexOf(disk)));
            Path file = root.resolve("hardstate");
            Files.write(file, disk.renamed() ? newBytes : MemberRecordStore.encode(old));
            if (disk.temporary() != null) {
                Files.write(root.resolve("hardstate.tmp"), disk.temporary());
            }
            MemberRecordStore store = MemberRecordStore.open(file);
            assertEquals(disk.expected(), store.current(), "a cut during " + disk.cutDuring());
            store.save(saved.withTermAndVote(9, 1));
            assertEquals(saved.withTermAndVote(9, 1), MemberRecordStore.open(file).current(), "the save after a cut during " + disk.cutDuring());
        }
    }

    @Test
    void aFlippedByteIsCaughtByTheChecksum() throws IOException {
        Path file = dir.resolve("hardstate");
        MemberRecordStore.open(file).save(new MemberRecord(7, 3, three));
        byte[] bytes = Files.readAllBytes(file);
        bytes[9] ^= 1;
        Files.write(file, bytes);
        CorruptStorageException error = assertThrows(CorruptStorageException.class, () -> MemberRecordStore.open(file));
        assertTrue(error.getMessage().startsWith("corrupt hard state " + file), error.getMessage());
    }

    @Test
    void aTruncatedFileIsCorruptNotACrash() throws IOException {
        Path file = dir.resolve("hardstate");
        MemberRecordStore.open(file).save(new MemberRecord(7, 3, three));
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, 10));
        assertThrows(CorruptStorageException.class, () -> MemberRecordStore.open(file));
    }

    @Test
    void aHardStateOfAnotherVersionIsRefusedInOneLine() {
        byte[] bytes = MemberRecordStore.encode(new MemberRecord(7, 3, three));
        bytes[4] = 2;
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());
        Path file = dir.resolve("hardstate");
        StorageException refused = assertThrows(StorageException.class,
                () -> MemberRecordStore.decode(file, bytes));
        assertEquals("the hard state " + file + " has version 2; this Tern reads version 1 only", refused.getMessage());
    }
}
