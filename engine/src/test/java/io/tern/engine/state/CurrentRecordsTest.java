package io.tern.engine.state;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CurrentRecordsTest {

    @TempDir
    Path dir;

    private Options options;
    private RocksDB db;
    private ReadOptions readOptions;

    @BeforeEach
    void open() throws RocksDBException {
        RocksDB.loadLibrary();
        options = new Options().setCreateIfMissing(true);
        db = RocksDB.open(options, dir.toString());
        readOptions = new ReadOptions();
    }

    @AfterEach
    void close() {
        readOptions.close();
        db.close();
        options.close();
    }

    @Test
    void aRolledBackWriteGivesBackWhatTheKeyHadBefore() throws RocksDBException {
        db.put(bytes("b"), bytes("b-in-db"));
        CurrentRecords records = new CurrentRecords(db, readOptions, 1 << 20);
        records.put(bytes("a"), bytes("a1"));
        records.committed();

        records.setSavePoint();
        records.put(bytes("a"), bytes("a2"));
        records.delete(bytes("b"));
        records.put(bytes("c"), bytes("c1"));
        assertArrayEquals(bytes("a2"), records.get(bytes("a")));
        assertNull(records.get(bytes("b")));
        records.rollbackToSavePoint();

        assertArrayEquals(bytes("a1"), records.get(bytes("a")));
        assertArrayEquals(bytes("b-in-db"), records.get(bytes("b")));
        assertNull(records.get(bytes("c")));
    }

    @Test
    void anAbandonedRunIsForgottenAndTheDatabaseReadAgain() throws RocksDBException {
        db.put(bytes("a"), bytes("a-in-db"));
        CurrentRecords records = new CurrentRecords(db, readOptions, 1 << 20);
        assertArrayEquals(bytes("a-in-db"), records.get(bytes("a")));
        records.put(bytes("a"), bytes("a-pending"));
        records.put(bytes("new"), bytes("new-pending"));
        records.abandoned();

        assertArrayEquals(bytes("a-in-db"), records.get(bytes("a")));
        assertNull(records.get(bytes("new")));
    }

    @Test
    void pendingWritesOutliveTheCapacityUntilTheRunEnds() throws RocksDBException {
        CurrentRecords records = new CurrentRecords(db, readOptions, 2_000);
        for (int i = 0; i < 100; i++) {
            records.put(bytes("key-" + i), bytes("value-" + i));
        }
        // Far over 2,000 bytes, and the database has none of them: every one must still be answered.
        for (int i = 0; i < 100; i++) {
            assertArrayEquals(bytes("value-" + i), records.get(bytes("key-" + i)), "key-" + i);
        }
        records.committed();
        assertTrue(records.size() <= 2_000 / 96, "evicted down to the capacity once written: " + records.size());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
