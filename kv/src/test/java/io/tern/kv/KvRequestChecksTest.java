package io.tern.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class KvRequestChecksTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static PutRequest put(String key) {
        return PutRequest.of(b(key), b("v"));
    }

    private static DeleteRangeRequest del(String key, String end) {
        return new DeleteRangeRequest(new KeyRange(b(key), b(end)), false);
    }

    private static TxnRequest txn(List<KvOp> success, List<KvOp> failure) {
        return new TxnRequest(List.of(), success, failure);
    }

    @Test
    void emptyKeysAreRefusedWithEtcdsWords() {
        assertEquals(KvRequestChecks.EMPTY_KEY, KvRequestChecks.problem(RangeRequest.of(KeyRange.single(new byte[0]))));
        assertEquals(KvRequestChecks.EMPTY_KEY, KvRequestChecks.problem(PutRequest.of(new byte[0], b("v"))));
        assertEquals(KvRequestChecks.EMPTY_KEY,
                KvRequestChecks.problem(new DeleteRangeRequest(KeyRange.single(new byte[0]), false)));
        assertEquals(KvRequestChecks.EMPTY_KEY, KvRequestChecks.problem(new TxnRequest(
                List.of(Compare.version(new byte[0], Compare.Result.EQUAL, 0)), List.of(), List.of())));
        assertEquals(KvRequestChecks.EMPTY_KEY, KvRequestChecks.problem(txn(List.of(),
                List.of(txn(List.of(PutRequest.of(new byte[0], b("v"))), List.of())))));
        assertNull(KvRequestChecks.problem(RangeRequest.of(KeyRange.all())));
        assertEquals("etcdserver: key is not provided", KvRequestChecks.EMPTY_KEY);
    }

    @Test
    void putOptionsThatContradictThemselves() {
        assertEquals("etcdserver: value is provided",
                KvRequestChecks.problem(new PutRequest(b("k"), b("v"), 0, false, true, false)));
        assertNull(KvRequestChecks.problem(new PutRequest(b("k"), new byte[0], 0, false, true, false)));
        assertEquals("etcdserver: lease is provided",
                KvRequestChecks.problem(new PutRequest(b("k"), b("v"), 5, false, false, true)));
        assertNull(KvRequestChecks.problem(new PutRequest(b("k"), b("v"), 5, false, false, false)));
    }

    @Test
    void aTxnHoldsAtMost128OpsPerListAndANestedOneWhatItsParentLeft() {
        List<KvOp> many = new ArrayList<>(Collections.nCopies(128, RangeRequest.of(KeyRange.single(b("k")))));
        assertNull(KvRequestChecks.problem(txn(many, many)), "128 in each list, as etcd counts");
        List<KvOp> tooMany = new ArrayList<>(many);
        tooMany.add(RangeRequest.of(KeyRange.single(b("k"))));
        assertEquals("etcdserver: too many operations in txn request", KvRequestChecks.problem(txn(List.of(), tooMany)));
        List<KvOp> half = Collections.nCopies(64, RangeRequest.of(KeyRange.single(b("k"))));
        List<KvOp> halfAndNested = new ArrayList<>(half);
        halfAndNested.add(txn(Collections.nCopies(64, RangeRequest.of(KeyRange.single(b("k")))), List.of()));
        assertEquals(KvRequestChecks.TOO_MANY_OPS, KvRequestChecks.problem(txn(halfAndNested, List.of())),
                "a parent of 65 leaves 63 to its nested txn");
    }

    @Test
    void aBranchMayNotPutAKeyTwiceNorPutWhatItDeletes() {
        String dup = KvRequestChecks.DUPLICATE_KEY;
        assertEquals("etcdserver: duplicate key given in txn request", dup);
        assertEquals(dup, KvRequestChecks.problem(txn(List.of(put("a"), put("a")), List.of())));
        assertEquals(dup, KvRequestChecks.problem(txn(List.of(), List.of(put("b"), del("a", "c")))));
        assertEquals(dup, KvRequestChecks.problem(txn(List.of(del("a", "c"), put("b")), List.of())));
        assertEquals(dup, KvRequestChecks.problem(txn(List.of(
                new DeleteRangeRequest(new KeyRange(b("a"), KeyRange.TO_THE_END), false), put("zzz")), List.of())),
                "a delete to the end covers every later key");
        assertNull(KvRequestChecks.problem(txn(List.of(put("a"), del("b", "c")), List.of())), "[b, c) misses a");
        assertNull(KvRequestChecks.problem(txn(List.of(put("c"), del("b", "c")), List.of())), "the end is exclusive");
        assertNull(KvRequestChecks.problem(txn(List.of(put("a")), List.of(put("a")))), "the branches never both run");
        assertNull(KvRequestChecks.problem(txn(List.of(del("a", "z"), del("a", "z")), List.of())),
                "deleting twice is not a duplicate");
    }

    @Test
    void nestedTransactionsCountInTheirParentsBranch() {
        String dup = KvRequestChecks.DUPLICATE_KEY;
        assertEquals(dup, KvRequestChecks.problem(txn(List.of(put("a"), txn(List.of(put("a")), List.of())), List.of())));
        assertEquals(dup, KvRequestChecks.problem(txn(List.of(del("a", "b"), txn(List.of(), List.of(put("a")))),
                List.of())));
        assertEquals(dup, KvRequestChecks.problem(txn(List.of(txn(List.of(del("a", "b")), List.of()), put("a")),
                List.of())), "a nested delete covers the parent's put");
        assertEquals(dup, KvRequestChecks.problem(txn(List.of(
                txn(List.of(put("x")), List.of()), txn(List.of(), List.of(put("x")))), List.of())),
                "two nested txns of one branch may both run");
        assertNull(KvRequestChecks.problem(txn(List.of(txn(List.of(put("a")), List.of(put("a")))), List.of())),
                "a nested txn's own branches may put the same key");
    }

    @Test
    void sizesAndPutsLookIntoNestedTransactions() {
        TxnRequest nested = txn(List.of(RangeRequest.of(KeyRange.single(b("kk")))),
                List.of(txn(List.of(PutRequest.of(b("k"), b("valu"))), List.of())));
        TxnRequest outer = new TxnRequest(List.of(Compare.value(b("kkk"), Compare.Result.EQUAL, b("vv"))),
                List.of(nested), List.of());
        assertEquals(3, KvRequestChecks.longestKey(outer));
        assertEquals(4, KvRequestChecks.longestValue(outer));
        assertTrue(KvRequestChecks.puts(outer));
        assertFalse(KvRequestChecks.puts(txn(List.of(del("a", "b")), List.of(RangeRequest.of(KeyRange.all())))));
    }
}
