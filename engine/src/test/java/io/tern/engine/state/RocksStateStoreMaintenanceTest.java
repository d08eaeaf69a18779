package io.tern.engine.state;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static io.tern.engine.state.TestEntries.bytes;
import static io.tern.engine.state.TestEntries.command;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** etcd's maintenance views of the state: the history's hash (HashKV), the whole state's hash, its size, its full compaction. */
class RocksStateStoreMaintenanceTest {

    @TempDir
    Path dir;
    private RocksStateStore first;
    private RocksStateStore second;
    private long index;

    @BeforeEach
    void open() {
        first = RocksStateStore.open(dir.resolve("first"));
        second = RocksStateStore.open(dir.resolve("second"));
    }

    @AfterEach
    void close() {
        first.close();
        second.close();
    }

    @Test
    void replicasThatAppliedTheSameEntriesHashAlikeAtEveryRevision() {
        applyToBoth(new Command.Put(bytes("a"), bytes("1")));
        applyToBoth(new Command.Put(bytes("b"), bytes("1")));
        KvHash atTwo = first.hashKv(2);
        applyToBoth(new Command.Delete(bytes("a")));

        assertEquals(first.hashKv(0), second.hashKv(0));
        assertEquals(new KvHash(atTwo.hash(), 0, 2, 3), first.hashKv(2), "later changes leave an older revision's hash alone");
        assertNotEquals(atTwo.hash(), first.hashKv(3).hash());
        assertEquals(first.hash(), second.hash());
        assertEquals(3, first.hash().appliedIndex());

        first.apply(List.of(command(4, new Command.Put(bytes("b"), bytes("2")))));
        second.apply(List.of(command(4, new Command.Put(bytes("b"), bytes("other")))));
        assertNotEquals(first.hashKv(4).hash(), second.hashKv(4).hash(), "a different value is a different hash");
        assertEquals(first.hashKv(3), second.hashKv(3));
        assertNotEquals(first.hash().hash(), second.hash().hash());
    }

    @Test
    void compactionChangesTheHashAlikeAndBoundsTheRevisionsThatCanBeHashed() {
        applyToBoth(new Command.Put(bytes("a"), bytes("1")));
        applyToBoth(new Command.Put(bytes("a"), bytes("2")));
        applyToBoth(new Command.Put(bytes("b"), bytes("1")));
        KvHash before = first.hashKv(3);
        applyToBoth(new Command.Compact(3));

        KvHash after = first.hashKv(3);
        assertEquals(3, after.compactRevision());
        assertNotEquals(before.hash(), after.hash(), "the history compaction dropped is no longer hashed");
        assertEquals(after, second.hashKv(3));
        CompactedRevisionException compacted = assertThrows(CompactedRevisionException.class, () -> first.hashKv(2));
        assertEquals(3, compacted.compactRevision());
        FutureRevisionException future = assertThrows(FutureRevisionException.class, () -> first.hashKv(5));
        assertEquals(4, future.currentRevision());
    }

    @Test
    void aFullCompactionShrinksAStateWhoseKeysWereDeleted() {
        Random random = new Random(1);
        for (int i = 0; i < 500; i++) {
            byte[] value = new byte[4096];
            random.nextBytes(value); // incompressible
            apply(first, new Command.Put(bytes("key-" + i), value));
        }
        first.flush(); // the values in one table file, their deletion in another
        for (int i = 0; i < 500; i++) {
            apply(first, new Command.Delete(bytes("key-" + i)));
        }
        apply(first, new Command.Compact(index));
        first.flush();
        StateSize before = first.size();
        assertTrue(before.totalBytes() > 500 * 4096, "the values are still in the table files: " + before);

        first.compactFully();

        StateSize after = first.size();
        assertTrue(after.totalBytes() < before.totalBytes() / 10, before + " became " + after);
        assertTrue(after.liveBytes() <= after.totalBytes());
    }

    private void applyToBoth(Command command) {
        index++;
        first.apply(List.of(command(index, command)));
        second.apply(List.of(command(index, command)));
    }

    private void apply(RocksStateStore store, Command command) {
        index++;
        store.apply(List.of(command(index, command)));
    }
}
