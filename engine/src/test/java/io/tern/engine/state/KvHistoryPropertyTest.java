package io.tern.engine.state;

import io.tern.kv.KeyValue;
import io.tern.kv.RangeRequest;
import io.tern.kv.VersionedKeyValue;
import io.tern.kv.WatchEvent;
import io.tern.raft.types.LogEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static io.tern.engine.state.TestEntries.command;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The store against {@link KvModel}: random puts, deletes, batches, compare-and-sets, transactions,
 * lease grants and revokes and compactions, applied in runs of random length (so commands read the
 * writes of earlier ones still in the run's batch); after each run, random ranges at random revisions,
 * history from random revisions in random slices, the leases, and the current keys must all be the
 * model's. Run one seed with {@code -Dkv.seed=N}.
 */
class KvHistoryPropertyTest {

    private static final int SEEDS = Integer.getInteger("kv.seeds", 12);
    private static final int ENTRIES = 250;

    @TempDir
    Path dir;

    @Test
    void theStoreAnswersAsTheModelAtEveryRevision() {
        Long only = Long.getLong("kv.seed");
        for (long seed = only != null ? only : 1; seed <= (only != null ? only : SEEDS); seed++) {
            try (RocksStateStore store = RocksStateStore.open(dir.resolve("seed-" + seed))) {
                runAgainstTheModel(store, seed);
            }
        }
    }

    @Test
    void twoStoresApplyingTheSameEntriesInDifferentRunsAreByteIdentical() throws RocksDBException, InterruptedException {
        for (long seed = 1; seed <= 4; seed++) {
            Random random = new Random(seed);
            KvModel model = new KvModel();
            KvCommands commands = new KvCommands(random);
            List<LogEntry> entries = new ArrayList<>();
            for (long index = 1; index <= 300; index++) {
                Command command = commands.command(model, index);
                model.apply(index, command);
                entries.add(command(index, command));
            }
            Path one = dir.resolve("one-" + seed);
            Path other = dir.resolve("other-" + seed);
            try (RocksStateStore byOne = RocksStateStore.open(one);
                 RocksStateStore inRuns = RocksStateStore.open(other)) {
                for (LogEntry entry : entries) {
                    byOne.apply(List.of(entry));
                }
                for (int from = 0; from < entries.size(); ) {
                    int to = Math.min(entries.size(), from + 1 + random.nextInt(40));
                    inRuns.apply(entries.subList(from, to));
                    from = to;
                }
                // Compacted history is deleted in the background: identical once both are done.
                byOne.awaitHistoryPurged();
                inRuns.awaitHistoryPurged();
            }
            List<KeyValue> left = contents(one);
            List<KeyValue> right = contents(other);
            assertTrue(left.size() > 20, "history is there: " + left.size() + " records");
            assertEquals(left, right, "seed " + seed);
        }
    }

    private void runAgainstTheModel(RocksStateStore store, long seed) {
        Random random = new Random(seed);
        KvModel model = new KvModel();
        KvCommands commands = new KvCommands(random);
        long index = 0;
        while (index < ENTRIES) {
            List<LogEntry> run = new ArrayList<>();
            List<CommandResult> expected = new ArrayList<>();
            int heard = model.history().size();
            for (int i = 1 + random.nextInt(6); i > 0; i--) {
                index++;
                if (random.nextInt(20) == 0) {
                    run.add(LogEntry.noop(index, TestEntries.TERM));
                    model.skip(index);
                    expected.add(new CommandResult.NoResult());
                } else {
                    Command next = commands.command(model, index);
                    run.add(command(index, next));
                    expected.add(model.apply(index, next));
                }
            }
            String where = "seed " + seed + " (-Dkv.seed=" + seed + "), entries " + run.getFirst().index() + ".." + index;
            List<WatchEvent> events = new ArrayList<>();
            assertEquals(expected, store.apply(run, events), where);
            assertEquals(model.history().subList(heard, model.history().size()), events, where + ": the run's changes");
            for (int i = 0; i < 4; i++) {
                checkRange(store, model, commands.range(model.compacted(), model.applied()), commands.maxBytes(), where);
            }
            checkHistory(store, model, random, where);
            checkCurrentAndLeases(store, model, where);
        }
    }

    private static void checkRange(RocksStateStore store, KvModel model, RangeRequest request, long maxBytes,
                                   String where) {
        Object expected = model.range(request, maxBytes);
        String what = where + ": " + request + " capped at " + maxBytes;
        try {
            RangeResult result = store.range(request, maxBytes);
            assertEquals(expected, result.response(), what);
            assertEquals(request.revision() == 0 ? model.applied() : request.revision(), result.revision(), what);
        } catch (CompactedRevisionException e) {
            assertEquals(expected, new KvModel.Refusal("compacted", e.compactRevision()), what);
        } catch (FutureRevisionException e) {
            assertEquals(expected, new KvModel.Refusal("future", e.currentRevision()), what);
        }
    }

    private static void checkHistory(RocksStateStore store, KvModel model, Random random, String where) {
        long from = random.nextInt(4) == 0 ? model.compacted()
                : Math.max(0, model.compacted() - 2 + random.nextLong(model.applied() - model.compacted() + 4));
        Object expected = model.historyFrom(from);
        if (expected instanceof KvModel.Refusal refusal) {
            try {
                store.history(from, 10, Long.MAX_VALUE, true);
                fail(where + ": history from " + from + " should be compacted at " + refusal.revision());
            } catch (CompactedRevisionException e) {
                assertEquals(refusal.revision(), e.compactRevision(), where);
            }
            return;
        }
        int maxEvents = 1 + random.nextInt(6);
        long maxBytes = random.nextBoolean() ? Long.MAX_VALUE : 1 + random.nextInt(200);
        boolean withPrevKv = random.nextInt(4) > 0;
        List<WatchEvent> read = new ArrayList<>();
        long next = from;
        while (true) {
            HistoryBatch batch = store.history(next, maxEvents, maxBytes, withPrevKv);
            String slice = where + ": history from " + next + " (" + maxEvents + " events, " + maxBytes + " bytes)";
            assertTrue(batch.nextRevision() > next || batch.nextRevision() == model.applied() + 1, slice);
            for (WatchEvent event : batch.events()) {
                assertTrue(event.revision() >= next && event.revision() < batch.nextRevision(), slice);
            }
            if (batch.events().size() > maxEvents) {
                assertEquals(1, batch.events().stream().map(WatchEvent::revision).distinct().count(),
                        slice + ": only a single revision may pass the limit");
            }
            read.addAll(batch.events());
            if (batch.nextRevision() > model.applied()) {
                assertEquals(model.applied() + 1, batch.nextRevision(), slice);
                break;
            }
            next = batch.nextRevision();
        }
        @SuppressWarnings("unchecked")
        List<WatchEvent> changes = (List<WatchEvent>) expected;
        List<WatchEvent> wanted = withPrevKv ? changes
                : changes.stream().map(event -> new WatchEvent(event.type(), event.kv(), null)).toList();
        assertEquals(wanted, read, where + ": history from " + from);
    }

    private static void checkCurrentAndLeases(RocksStateStore store, KvModel model, String where) {
        assertEquals(model.compacted(), store.compactRevision(), where);
        for (byte[] key : KvCommands.KEYS) {
            VersionedKeyValue kv = model.current().get(key);
            assertArrayEquals(kv == null ? null : kv.value(), store.get(key).value(), where);
        }
        List<KeyValue> scanned = store.scan(new byte[0], new byte[0], 0).entries();
        assertEquals(model.current().values().stream().map(kv -> new KeyValue(kv.key(), kv.value())).toList(),
                scanned, where);
        assertEquals(model.leases().entrySet().stream().map(e -> new LeaseInfo(e.getKey(), e.getValue(), List.of()))
                .toList(), store.leases(), where);
        for (long id = 0; id <= KvCommands.MAX_LEASE; id++) {
            var lease = store.lease(id);
            assertEquals(model.leases().containsKey(id), lease.isPresent(), where + ": lease " + id);
            if (lease.isPresent()) {
                assertEquals(model.leases().get(id), lease.get().ttlSeconds(), where);
                List<byte[]> keys = model.leaseKeys(id);
                assertEquals(keys.size(), lease.get().keys().size(), where + ": keys of lease " + id);
                for (int i = 0; i < keys.size(); i++) {
                    assertArrayEquals(keys.get(i), lease.get().keys().get(i), where + ": keys of lease " + id);
                }
            }
        }
    }

    /** Every record of a closed store, both column families, in key order (events keep their prefix). */
    static List<KeyValue> contents(Path directory) throws RocksDBException {
        List<KeyValue> records = new ArrayList<>();
        try (StateFamilies families = StateFamilies.open(directory)) {
            for (var family : families.all()) {
                try (RocksIterator iterator = families.db().newIterator(family)) {
                    for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                        records.add(new KeyValue(iterator.key(), iterator.value()));
                    }
                    iterator.status();
                }
            }
        }
        records.sort((a, b) -> Arrays.compareUnsigned(a.key(), b.key()));
        return records;
    }

}
