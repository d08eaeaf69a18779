package io.tern.engine.state;

import io.tern.kv.DeleteRangeRequest;
import io.tern.kv.KeyRange;
import io.tern.kv.PutRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.tern.engine.state.TestEntries.bytes;
import static io.tern.engine.state.TestEntries.command;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The purge's own protocol, driven directly: what a pass cut short leaves, and requests that race a pass ending. */
class HistoryCompactorTest {

    @TempDir
    Path dir;

    @Test
    void aPassCutShortBeforeItDropsADeletedRecordLeavesNothingTheNextPassCannotFind() throws Exception {
        Path state = dir.resolve("state");
        try (RocksStateStore store = RocksStateStore.open(state)) {
            store.apply(List.of(command(1, new Command.Kv(PutRequest.of(bytes("k"), bytes("1")))),
                    command(2, new Command.Kv(new DeleteRangeRequest(KeyRange.single(bytes("k")), false))),
                    command(3, new Command.Kv(PutRequest.of(bytes("x"), bytes("3"))))));
        }
        try (StateFamilies families = StateFamilies.open(state);
             WriteOptions writeOptions = new WriteOptions()) {
            families.db().put(StateLayout.COMPACTION_KEY, StateLayout.encodeLong(3));
            HistoryCompactor.OpenStore open = work -> {
                work.run(families.db());
                return true;
            };
            // The store closes just as the pass would drop k's deleted record.
            try (HistoryCompactor cutShort = new HistoryCompactor(open, keys -> false, families, writeOptions, "cut")) {
                cutShort.requestPass();
                cutShort.awaitPurged(10_000);
            }
            HistoryCompactor.DeletedRecords drop = keys -> {
                for (byte[] key : keys) {
                    families.db().delete(key);
                }
                return true;
            };
            try (HistoryCompactor again = new HistoryCompactor(open, drop, families, writeOptions, "again")) {
                again.requestPass();
                again.awaitPurged(10_000);
            }
        }
        List<String> left = new ArrayList<>();
        for (var record : KvHistoryPropertyTest.contents(state)) {
            byte[] key = record.key();
            if (key[0] == StateLayout.USER_PREFIX) {
                left.add("record " + new String(StateLayout.stripUserPrefix(key)));
            } else if (key[0] == StateLayout.EVENT_PREFIX) {
                left.add("event " + StateLayout.eventRevision(key));
            }
        }
        assertEquals(List.of("record x", "event 3"), left); // contents are in key order: records (0x01) first
    }

    @Test
    void aPassRequestedAsTheLastOneEndsIsRunToo() throws Exception {
        try (StateFamilies families = StateFamilies.open(dir.resolve("state"));
             WriteOptions writeOptions = new WriteOptions()) {
            AtomicInteger looks = new AtomicInteger();
            HistoryCompactor[] compactor = new HistoryCompactor[1];
            HistoryCompactor.OpenStore open = work -> {
                work.run(families.db());
                if (looks.incrementAndGet() == 1) {
                    // A compaction lands after the pass found nothing to do, before it says it is done.
                    compactor[0].requestPass();
                }
                return true;
            };
            try (HistoryCompactor purge = new HistoryCompactor(open, keys -> true, families, writeOptions, "race")) {
                compactor[0] = purge;
                purge.requestPass();
                purge.awaitPurged(10_000);
                assertEquals(2, looks.get(), "the second request looked at the marks again");
            }
        }
    }
}
