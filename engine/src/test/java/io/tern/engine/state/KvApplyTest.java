package io.tern.engine.state;

import io.tern.engine.StorageException;
import io.tern.kv.Compare;
import io.tern.kv.DeleteRangeRequest;

import io.tern.kv.KeyRange;
import io.tern.kv.KvOp;
import io.tern.kv.KvOpResponse;
import io.tern.kv.PutRequest;
import io.tern.kv.PutResponse;
import io.tern.kv.RangeRequest;
import io.tern.kv.RangeResponse;
import io.tern.kv.TxnRequest;
import io.tern.kv.TxnResponse;
import io.tern.kv.VersionedKeyValue;
import io.tern.kv.WatchEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

import java.nio.file.Path;
import io.tern.raft.types.LogEntry;
import java.util.ArrayList;
import java.util.List;

import static io.tern.engine.state.TestEntries.bytes;
import static io.tern.engine.state.TestEntries.command;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The key model's commands one by one: versions, transactions, leases, compaction and their refusals. */
class KvApplyTest {

    private static final CommandResult WRITTEN = new CommandResult.Written();

    @TempDir
    Path dir;
    private RocksStateStore store;

    @BeforeEach
    void open() {
        store = RocksStateStore.open(dir.resolve("state"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void versionsCountPutsAndRestartAfterADelete() {
        apply(new Command.Put(bytes("k"), bytes("a")));
        apply(kv(PutRequest.of(bytes("k"), bytes("b"))));
        assertEquals(kv("k", "b", 1, 2, 2, 0), get("k"));
        apply(new Command.Delete(bytes("k")));
        assertNull(get("k"));
        apply(new Command.Batch(List.of(new Command.Put(bytes("k"), bytes("c")), new Command.Put(bytes("k"), bytes("d")))));
        assertEquals(kv("k", "d", 4, 4, 2, 0), get("k"), "a batch's puts are one revision");
        assertEquals(kv("k", "b", 1, 2, 2, 0), at("k", 2));
        assertNull(at("k", 3));
        assertArrayEquals(bytes("d"), store.get(bytes("k")).value(), "the byte-level read sees the value alone");
    }

    @Test
    void aTransactionTakesItsBranchByItsComparesOnTheStateBeforeIt() {
        apply(kv(PutRequest.of(bytes("k"), bytes("v"))));
        TxnRequest txn = new TxnRequest(List.of(Compare.value(bytes("k"), Compare.Result.EQUAL, bytes("v"))),
                List.of(PutRequest.of(bytes("k"), bytes("yes")), RangeRequest.of(KeyRange.single(bytes("k"))),
                        new TxnRequest(List.of(Compare.version(bytes("k"), Compare.Result.EQUAL, 1)),
                                List.of(PutRequest.of(bytes("inner"), bytes("before-the-txn"))), List.of())),
                List.of(PutRequest.of(bytes("k"), bytes("no"))));
        TxnResponse answer = (TxnResponse) response(apply(kv(txn)));
        assertTrue(answer.succeeded());
        assertEquals(3, answer.responses().size());
        assertEquals(List.of(kv("k", "yes", 1, 2, 2, 0)), ((RangeResponse) answer.responses().get(1)).kvs(),
                "a range inside sees the writes before it");
        assertTrue(((TxnResponse) answer.responses().get(2)).succeeded(),
                "a nested compare sees the state before the outer transaction (version 1, not 2)");
        assertEquals(kv("inner", "before-the-txn", 2, 2, 1, 0), get("inner"), "every change at one revision");

        TxnResponse failed = (TxnResponse) response(apply(kv(txn)));
        assertFalse(failed.succeeded());
        assertEquals(List.of(new PutResponse(null)), failed.responses());
        assertArrayEquals(bytes("no"), get("k").value());
    }

    @Test
    void everyCompareTargetAndResult() {
        apply(kv(PutRequest.of(bytes("k"), bytes("m"))));
        apply(new Command.LeaseGrant(7, 10));
        apply(kv(new PutRequest(bytes("k"), bytes("m"), 7, false, false, false))); // k: create 1, mod 3, version 2, lease 7
        record Case(Compare compare, boolean holds) {
        }
        List<Case> cases = new ArrayList<>();
        long[][] numbers = {{2, 1, 3}, {1, 0, 2}, {3, 2, 4}, {7, 6, 8}}; // equal, below, above for VERSION, CREATE, MOD, LEASE
        Compare.Target[] targets = {Compare.Target.VERSION, Compare.Target.CREATE, Compare.Target.MOD, Compare.Target.LEASE};
        for (int t = 0; t < targets.length; t++) {
            long equal = numbers[t][0];
            long below = numbers[t][1];
            long above = numbers[t][2];
            KeyRange k = KeyRange.single(bytes("k"));
            cases.add(new Case(new Compare(k, targets[t], Compare.Result.EQUAL, equal, new byte[0]), true));
            cases.add(new Case(new Compare(k, targets[t], Compare.Result.EQUAL, below, new byte[0]), false));
            cases.add(new Case(new Compare(k, targets[t], Compare.Result.NOT_EQUAL, below, new byte[0]), true));
            cases.add(new Case(new Compare(k, targets[t], Compare.Result.NOT_EQUAL, equal, new byte[0]), false));
            cases.add(new Case(new Compare(k, targets[t], Compare.Result.GREATER, below, new byte[0]), true));
            cases.add(new Case(new Compare(k, targets[t], Compare.Result.GREATER, equal, new byte[0]), false));
            cases.add(new Case(new Compare(k, targets[t], Compare.Result.LESS, above, new byte[0]), true));
            cases.add(new Case(new Compare(k, targets[t], Compare.Result.LESS, equal, new byte[0]), false));
        }
        cases.add(new Case(Compare.value(bytes("k"), Compare.Result.EQUAL, bytes("m")), true));
        cases.add(new Case(Compare.value(bytes("k"), Compare.Result.GREATER, bytes("a")), true));
        cases.add(new Case(Compare.value(bytes("k"), Compare.Result.LESS, bytes("z")), true));
        cases.add(new Case(Compare.value(bytes("k"), Compare.Result.NOT_EQUAL, bytes("m")), false));
        cases.add(new Case(Compare.value(bytes("absent"), Compare.Result.NOT_EQUAL, bytes("m")), false));
        cases.add(new Case(Compare.version(bytes("absent"), Compare.Result.EQUAL, 0), true));
        cases.add(new Case(Compare.createRevision(bytes("absent"), Compare.Result.EQUAL, 0), true));
        cases.add(new Case(new Compare(KeyRange.prefix(bytes("k")), Compare.Target.LEASE, Compare.Result.EQUAL, 7,
                new byte[0]), true));
        cases.add(new Case(new Compare(KeyRange.prefix(bytes("nothing")), Compare.Target.VALUE, Compare.Result.NOT_EQUAL, 0,
                bytes("x")), false));
        apply(kv(PutRequest.of(bytes("other"), bytes("o"))));
        cases.add(new Case(new Compare(KeyRange.all(), Compare.Target.LEASE, Compare.Result.EQUAL, 7, new byte[0]), false));
        for (Case c : cases) {
            TxnResponse answer = (TxnResponse) response(apply(kv(new TxnRequest(List.of(c.compare()), List.of(), List.of()))));
            assertEquals(c.holds(), answer.succeeded(), c.compare().toString());
        }
    }

    @Test
    void aRangeAtARefusedRevisionRefusesTheWholeTransaction() {
        apply(kv(PutRequest.of(bytes("k"), bytes("1"))));
        apply(kv(PutRequest.of(bytes("k"), bytes("2"))));
        TxnRequest future = new TxnRequest(List.of(), List.of(PutRequest.of(bytes("k"), bytes("3")),
                RangeRequest.of(KeyRange.single(bytes("k"))).atRevision(4)), List.of());
        assertEquals(new CommandResult.Refused(CommandResult.Refusal.FUTURE_REVISION, 3, KvApplier.FUTURE_REVISION),
                apply(kv(future)), "at entry 3 the transaction's own revision is 3");
        assertEquals(kv("k", "2", 1, 2, 2, 0), get("k"), "nothing of the refused transaction is written");
        assertEquals(List.of(), store.history(3, 10, Long.MAX_VALUE, false).events());

        assertEquals(WRITTEN, apply(new Command.Compact(2)));
        TxnRequest compacted = new TxnRequest(List.of(), List.of(PutRequest.of(bytes("k"), bytes("3")),
                RangeRequest.of(KeyRange.single(bytes("k"))).atRevision(1)), List.of());
        assertEquals(new CommandResult.Refused(CommandResult.Refusal.COMPACTED, 2, KvApplier.COMPACTED),
                apply(kv(compacted)));
        TxnRequest past = new TxnRequest(List.of(), List.of(PutRequest.of(bytes("k"), bytes("3")),
                RangeRequest.of(KeyRange.single(bytes("k"))).atRevision(2)), List.of());
        TxnResponse answer = (TxnResponse) response(apply(kv(past)));
        assertEquals(List.of(kv("k", "2", 1, 2, 2, 0)), ((RangeResponse) answer.responses().get(1)).kvs());
    }

    @Test
    void putsWithUnknownLeasesOrIgnoringWhatIsMissingAreRefused() {
        CommandResult.Refused noLease = new CommandResult.Refused(CommandResult.Refusal.LEASE_NOT_FOUND, 0,
                "etcdserver: requested lease not found");
        CommandResult.Refused noKey = new CommandResult.Refused(CommandResult.Refusal.KEY_NOT_FOUND, 0,
                "etcdserver: key not found");
        assertEquals(noLease, apply(kv(new PutRequest(bytes("k"), bytes("v"), 9, false, false, false))));
        assertEquals(noKey, apply(kv(new PutRequest(bytes("k"), bytes("v"), 0, false, true, false))));
        assertEquals(noKey, apply(kv(new PutRequest(bytes("k"), bytes("v"), 0, false, false, true))));
        assertEquals(noLease, apply(kv(new TxnRequest(List.of(), List.of(PutRequest.of(bytes("a"), bytes("v")),
                new PutRequest(bytes("k"), bytes("v"), 9, false, false, false)), List.of()))));
        assertNull(get("a"), "a refused transaction writes nothing");
        assertEquals(List.of(), store.history(1, 100, Long.MAX_VALUE, false).events());

        apply(new Command.LeaseGrant(9, 30));
        apply(kv(new PutRequest(bytes("k"), bytes("v"), 9, false, false, false)));
        KvOpResponse kept = response(apply(kv(new PutRequest(bytes("k"), bytes("ignored"), 0, true, true, true))));
        assertEquals(new PutResponse(kv("k", "v", 6, 6, 1, 9)), kept);
        assertEquals(kv("k", "v", 6, 7, 2, 9), get("k"), "ignore_value and ignore_lease keep both");
        apply(kv(new PutRequest(bytes("k"), bytes("w"), 0, false, false, true)));
        assertEquals(kv("k", "w", 6, 8, 3, 9), get("k"));
    }

    @Test
    void leasesHoldTheirKeysAndRevokingDeletesThemAtOneRevision() {
        assertEquals(new CommandResult.LeaseGranted(5, 60), apply(new Command.LeaseGrant(5, 60)));
        CommandResult.Refused exists = new CommandResult.Refused(CommandResult.Refusal.LEASE_EXISTS, 0,
                "etcdserver: lease already exists");
        assertEquals(exists, apply(new Command.LeaseGrant(5, 10)));
        assertEquals(exists, apply(new Command.LeaseGrant(0, 10)), "lease ids are positive");
        apply(new Command.LeaseGrant(6, 20));
        apply(kv(new PutRequest(bytes("a"), bytes("1"), 5, false, false, false)));
        apply(kv(new PutRequest(bytes("b"), bytes("1"), 5, false, false, false)));
        apply(kv(new PutRequest(bytes("c"), bytes("1"), 6, false, false, false)));
        apply(kv(new PutRequest(bytes("c"), bytes("2"), 5, false, false, false))); // moves c from 6 to 5
        apply(kv(new PutRequest(bytes("d"), bytes("1"), 5, false, false, false)));
        apply(new Command.Put(bytes("d"), bytes("2"))); // a plain put detaches
        assertEquals(List.of(new LeaseInfo(5, 60, List.of()), new LeaseInfo(6, 20, List.of())), store.leases());
        assertEquals(List.of("a", "b", "c"), leaseKeys(5));
        assertEquals(List.of(), leaseKeys(6));

        List<WatchEvent> events = new ArrayList<>();
        long revoke = store.appliedIndex() + 1;
        store.apply(List.of(command(revoke, new Command.LeaseRevoke(5))), events);
        assertEquals(List.of("a", "b", "c"), events.stream().map(e -> TestEntries.text(e.kv().key())).toList());
        assertTrue(events.stream().allMatch(e -> e.type() == WatchEvent.Type.DELETE && e.revision() == revoke));
        assertEquals(kv("a", "1", 5, 5, 1, 5), events.getFirst().prevKv());
        assertNull(get("a"));
        assertArrayEquals(bytes("2"), get("d").value());
        assertTrue(store.lease(5).isEmpty());
        assertEquals(new CommandResult.Refused(CommandResult.Refusal.LEASE_NOT_FOUND, 0,
                "etcdserver: requested lease not found"), apply(new Command.LeaseRevoke(5)));
    }

    @Test
    void compactionKeepsEveryReadAtOrAboveItAndRefusesTheRest() {
        apply(kv(PutRequest.of(bytes("k"), bytes("1"))));          // 1
        apply(kv(PutRequest.of(bytes("gone"), bytes("1"))));       // 2
        apply(kv(new DeleteRangeRequest(KeyRange.single(bytes("gone")), false))); // 3
        apply(kv(PutRequest.of(bytes("k"), bytes("4"))));          // 4
        apply(kv(PutRequest.of(bytes("k"), bytes("5"))));          // 5
        assertEquals(new CommandResult.Refused(CommandResult.Refusal.FUTURE_REVISION, 5, KvApplier.FUTURE_REVISION),
                apply(new Command.Compact(7)));                    // 6
        assertEquals(WRITTEN, apply(new Command.Compact(5)));      // 7
        assertEquals(new CommandResult.Refused(CommandResult.Refusal.COMPACTED, 5, KvApplier.COMPACTED),
                apply(new Command.Compact(5)));                    // 8
        assertEquals(5, store.compactRevision());
        assertEquals(kv("k", "5", 1, 5, 3, 0), at("k", 5));
        assertEquals(kv("k", "5", 1, 5, 3, 0), at("k", 8));
        CompactedRevisionException compacted = assertThrows(CompactedRevisionException.class,
                () -> store.range(RangeRequest.of(KeyRange.single(bytes("k"))).atRevision(4), Long.MAX_VALUE));
        assertEquals(5, compacted.compactRevision());
        FutureRevisionException future = assertThrows(FutureRevisionException.class,
                () -> store.range(RangeRequest.of(KeyRange.single(bytes("k"))).atRevision(9), Long.MAX_VALUE));
        assertEquals(8, future.currentRevision());
        assertThrows(CompactedRevisionException.class, () -> store.history(4, 10, Long.MAX_VALUE, true));
        List<WatchEvent> fromFive = store.history(5, 10, Long.MAX_VALUE, true).events();
        assertEquals(1, fromFive.size());
        assertEquals(kv("k", "4", 1, 4, 2, 0), fromFive.getFirst().prevKv(), "events at the compaction revision keep their previous version");
    }

    @Test
    void compactedHistoryIsDeletedInTheBackgroundDownToTheNewestPutBelowTheRevision() throws Exception {
        apply(kv(PutRequest.of(bytes("k"), bytes("1"))));          // 1
        apply(kv(PutRequest.of(bytes("gone"), bytes("1"))));       // 2
        apply(kv(new DeleteRangeRequest(KeyRange.single(bytes("gone")), false))); // 3
        apply(kv(PutRequest.of(bytes("k"), bytes("4"))));          // 4
        apply(kv(PutRequest.of(bytes("k"), bytes("5"))));          // 5
        assertEquals(WRITTEN, apply(new Command.Compact(5)));      // 6
        store.awaitHistoryPurged();
        store.close();

        List<String> recorded = new ArrayList<>();
        List<Long> events = new ArrayList<>();
        long purgedTo = 0;
        for (var record : KvHistoryPropertyTest.contents(dir.resolve("state"))) {
            byte[] key = record.key();
            if (key[0] == StateLayout.USER_PREFIX) {
                recorded.add(new String(StateLayout.stripUserPrefix(key), java.nio.charset.StandardCharsets.UTF_8));
            } else if (key[0] == StateLayout.EVENT_PREFIX) {
                events.add(StateLayout.eventRevision(key));
            } else if (java.util.Arrays.equals(key, StateLayout.PURGED_KEY)) {
                purgedTo = StateLayout.decodeLong(record.value());
            }
        }
        // k@4 is k's state at 5 - 1; k@1 is superseded; "gone" was deleted below 5, so none of it stays,
        // not even its deleted record.
        assertEquals(List.of("k"), recorded);
        assertEquals(List.of(4L, 5L), events);
        assertEquals(5, purgedTo);

        store = RocksStateStore.open(dir.resolve("state"));
        assertEquals(kv("k", "5", 1, 5, 3, 0), at("k", 5));
        assertEquals(kv("k", "4", 1, 4, 2, 0), store.history(5, 10, Long.MAX_VALUE, true).events().getFirst().prevKv());
    }

    @Test
    void aKeyCreatedAgainAfterItsDeleteWasCompactedLinksNoFurtherBackWhetherOrNotThePurgeHasRun() throws Exception {
        List<LogEntry> before = List.of(command(1, kv(PutRequest.of(bytes("k"), bytes("1")))),
                command(2, kv(new DeleteRangeRequest(KeyRange.single(bytes("k")), false))),
                command(3, kv(PutRequest.of(bytes("x"), bytes("3")))));
        LogEntry compact = command(4, new Command.Compact(3));
        LogEntry again = command(5, kv(PutRequest.of(bytes("k"), bytes("5"))));
        store.close();
        try (RocksStateStore purgedFirst = RocksStateStore.open(dir.resolve("purged-first"));
             RocksStateStore purgedAfter = RocksStateStore.open(dir.resolve("purged-after"))) {
            purgedFirst.apply(before);
            purgedFirst.apply(List.of(compact));
            purgedFirst.awaitHistoryPurged(); // k's deleted record is gone before it is created again
            purgedFirst.apply(List.of(again));
            // One run holds the apply lock throughout, so the purge cannot drop k's record before the put.
            List<LogEntry> all = new ArrayList<>(before);
            all.add(compact);
            all.add(again);
            purgedAfter.apply(all);
            purgedFirst.awaitHistoryPurged();
            purgedAfter.awaitHistoryPurged();
            assertEquals(purgedFirst.hash(), purgedAfter.hash());
        }
        assertEquals(KvHistoryPropertyTest.contents(dir.resolve("purged-first")),
                KvHistoryPropertyTest.contents(dir.resolve("purged-after")));
        store = RocksStateStore.open(dir.resolve("state"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "1; keys without versions or history",
            "2; history among the current records",
            "3; history found through a per-key index"})
    void aStateOfAnEarlierFormatIsRefusedWithOneLine(byte format, String what) throws RocksDBException {
        store.close();
        Path old = dir.resolve("format-" + format);
        try (Options options = new Options().setCreateIfMissing(true);
             RocksDB db = RocksDB.open(options, old.toString())) {
            db.put(StateLayout.FORMAT_KEY, new byte[] {format});
        }
        StorageException refused = assertThrows(StorageException.class, () -> RocksStateStore.open(old));
        assertTrue(refused.getMessage().contains("has format " + format + " (" + what + ")"), refused.getMessage());
        assertFalse(refused.getMessage().contains("\n"));
        store = RocksStateStore.open(dir.resolve("state"));
    }

    @Test
    void aTransactionRefusedWithinARunLeavesEveryKeyAsTheRunHadIt() {
        long first = store.appliedIndex() + 1;
        TxnRequest refused = new TxnRequest(List.of(), List.of(PutRequest.of(bytes("k"), bytes("lost")),
                new PutRequest(bytes("other"), bytes("v"), 99, false, false, false)), List.of());
        List<CommandResult> results = store.apply(List.of(
                command(first, kv(PutRequest.of(bytes("k"), bytes("a")))),
                command(first + 1, kv(refused)),
                command(first + 2, kv(PutRequest.of(bytes("k"), bytes("c"))))));
        assertTrue(results.get(1) instanceof CommandResult.Refused, results.get(1).toString());
        assertEquals(kv("k", "c", first, first + 2, 2, 0), get("k"), "the refused put did not count as a version");
        apply(kv(PutRequest.of(bytes("k"), bytes("d"))));
        assertEquals(kv("k", "d", first, first + 3, 3, 0), get("k"));
        assertNull(get("other"));
    }

    @Test
    void aRunThatIsNotAppliedLeavesNoTraceInTheNextOne() {
        apply(kv(PutRequest.of(bytes("k"), bytes("a"))));
        long next = store.appliedIndex() + 1;
        assertThrows(IllegalStateException.class, () -> store.apply(List.of(
                command(next, kv(PutRequest.of(bytes("k"), bytes("b")))),
                command(next + 1, new Command.Delete(bytes("k"))),
                new io.tern.raft.types.LogEntry(next + 2, TestEntries.TERM, io.tern.raft.types.EntryKind.COMMAND,
                        new byte[] {(byte) 0xEE}))));
        apply(kv(PutRequest.of(bytes("k"), bytes("c"))));
        assertEquals(kv("k", "c", next - 1, next, 2, 0), get("k"),
                "the put and the delete of the run refused as a whole were never applied");
    }

    private CommandResult apply(Command command) {
        return store.apply(List.of(command(store.appliedIndex() + 1, command))).getFirst();
    }

    private static Command kv(KvOp op) {
        return new Command.Kv(op);
    }

    private static KvOpResponse response(CommandResult result) {
        return ((CommandResult.Kv) result).response();
    }

    private VersionedKeyValue get(String key) {
        List<VersionedKeyValue> kvs = store.range(RangeRequest.of(KeyRange.single(bytes(key))), Long.MAX_VALUE)
                .response().kvs();
        return kvs.isEmpty() ? null : kvs.getFirst();
    }

    private VersionedKeyValue at(String key, long revision) {
        List<VersionedKeyValue> kvs = store.range(RangeRequest.of(KeyRange.single(bytes(key))).atRevision(revision),
                Long.MAX_VALUE).response().kvs();
        return kvs.isEmpty() ? null : kvs.getFirst();
    }

    private List<String> leaseKeys(long id) {
        return store.lease(id).orElseThrow().keys().stream().map(TestEntries::text).toList();
    }

    private static VersionedKeyValue kv(String key, String value, long create, long mod, long version, long lease) {
        return new VersionedKeyValue(bytes(key), bytes(value), create, mod, version, lease);
    }

}
