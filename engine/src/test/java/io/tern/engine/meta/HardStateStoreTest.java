package io.tern.engine.meta;

import io.tern.engine.CorruptStorageException;
import io.tern.engine.cluster.Member;
import io.tern.engine.cluster.Membership;
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

class HardStateStoreTest {

    @TempDir
    Path dir;

    private final Membership three = new Membership(List.of(
            new Member(1, "127.0.0.1:7379", true),
            new Member(2, "127.0.0.1:7380", true),
            new Member(3, "127.0.0.1:7381", false)));

    @Test
    void startsFromTheInitialStateWhenNothingWasSaved() {
        assertEquals(HardState.INITIAL, HardStateStore.open(dir.resolve("hardstate")).current());
    }

    @Test
    void savedStateIsReadBackAfterReopen() {
        Path file = dir.resolve("hardstate");
        HardStateStore store = HardStateStore.open(file);
        store.save(new HardState(7, 3, three));
        store.save(store.current().withTermAndVote(8, 0));
        assertEquals(new HardState(8, 0, three), HardStateStore.open(file).current());
        assertFalse(Files.exists(dir.resolve("hardstate.tmp")), "the temporary file was renamed into place");
    }

    @Test
    void aFlippedByteIsCaughtByTheChecksum() throws IOException {
        Path file = dir.resolve("hardstate");
        HardStateStore.open(file).save(new HardState(7, 3, three));
        byte[] bytes = Files.readAllBytes(file);
        bytes[9] ^= 1;
        Files.write(file, bytes);
        CorruptStorageException error = assertThrows(CorruptStorageException.class, () -> HardStateStore.open(file));
        assertTrue(error.getMessage().startsWith("corrupt hard state " + file), error.getMessage());
    }

    @Test
    void aTruncatedFileIsCorruptNotACrash() throws IOException {
        Path file = dir.resolve("hardstate");
        HardStateStore.open(file).save(new HardState(7, 3, three));
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, 10));
        assertThrows(CorruptStorageException.class, () -> HardStateStore.open(file));
    }
}
