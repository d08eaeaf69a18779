package io.tern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.kv.Compare;
import io.tern.kv.DeleteRangeRequest;
import io.tern.kv.KeyRange;
import io.tern.kv.PutRequest;
import io.tern.kv.RangeRequest;
import io.tern.kv.SortOrder;
import io.tern.kv.SortTarget;
import io.tern.kv.TxnRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TxnParserTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void etcdctlsExampleParses() {
        TxnRequest txn = TxnParser.parse(List.of(
                "mod(\"key1\") > \"0\"",
                "",
                "put key1 \"overwrote-key1\"",
                "",
                "put key1 \"created-key1\"",
                "put key2 \"some extra key\""));
        assertEquals(List.of(Compare.modRevision(b("key1"), Compare.Result.GREATER, 0)), txn.compare());
        assertEquals(List.of(PutRequest.of(b("key1"), b("overwrote-key1"))), txn.success());
        assertEquals(List.of(PutRequest.of(b("key1"), b("created-key1")), PutRequest.of(b("key2"), b("some extra key"))),
                txn.failure());
    }

    @Test
    void everyCompareTargetAndOperator() {
        assertEquals(Compare.value(b("k"), Compare.Result.EQUAL, b("a \"q\"")),
                TxnParser.compare(1, "value(\"k\") = \"a \\\"q\\\"\""));
        assertEquals(Compare.value(b("k"), Compare.Result.NOT_EQUAL, b("v")), TxnParser.compare(1, "val(\"k\") != \"v\""));
        assertEquals(Compare.version(b("k"), Compare.Result.LESS, 3), TxnParser.compare(1, "version(\"k\") < \"3\""));
        assertEquals(Compare.version(b("k"), Compare.Result.EQUAL, 0), TxnParser.compare(1, "ver(\"k\") = \"0\""));
        assertEquals(Compare.createRevision(b("k"), Compare.Result.GREATER, 7), TxnParser.compare(1, "create(\"k\") > \"7\""));
        assertEquals(Compare.createRevision(b("k"), Compare.Result.EQUAL, 7), TxnParser.compare(1, "c(\"k\") = \"7\""));
        assertEquals(Compare.modRevision(b("k"), Compare.Result.EQUAL, 9), TxnParser.compare(1, "m(\"k\")=\"9\""));
        assertEquals(Compare.lease(b("k"), Compare.Result.EQUAL, 42), TxnParser.compare(1, "lease(\"k\") = \"42\""));
    }

    @Test
    void operationsTakeTheirCommandsOptions() {
        assertEquals(new PutRequest(b("k"), b("v w"), 0xabc, true, false, false),
                TxnParser.op(1, "put k \"v w\" --lease abc --prev-kv"));
        assertEquals(new PutRequest(b("k"), new byte[0], 0, false, true, false),
                TxnParser.op(1, "put k --ignore-value"));
        assertEquals(RangeRequest.of(KeyRange.prefix(b("p"))).withLimit(2).sortedBy(SortTarget.MOD, SortOrder.DESCEND),
                TxnParser.op(1, "get p --prefix --limit 2 --sort-by MODIFY --order DESCEND"));
        assertEquals(RangeRequest.of(new KeyRange(b("a"), b("c"))).atRevision(5).keysOnly(true),
                TxnParser.op(1, "get a c --rev 5 --keys-only"));
        assertEquals(new DeleteRangeRequest(KeyRange.prefix(b("p")), true), TxnParser.op(1, "del p --prefix --prev-kv"));
        assertEquals(new DeleteRangeRequest(new KeyRange(b("a"), b("b")), false), TxnParser.op(1, "del a b"));
    }

    @Test
    void syntaxErrorsNameTheirLine() {
        assertError("line 1: malformed comparison", List.of("mod k > 0"));
        assertError("line 2: unknown compare target size", List.of("mod(\"k\") > \"0\"", "size(\"k\") = \"1\""));
        assertError("line 1: unknown comparison >=", List.of("mod(\"k\") >= \"0\""));
        assertError("line 1: mod compares against a number", List.of("mod(\"k\") > \"x\""));
        assertError("line 1: the value has no closing double quote", List.of("value(\"k\") = \"v"));
        assertError("line 3: unknown operation cas", List.of("", "put a b", "cas a b"));
        assertError("line 2: get: ", List.of("", "get a --bogus"));
        assertError("line 2: put: a VALUE is needed", List.of("", "put a"));
        assertError("line 4: text after the blank line", List.of("", "", "", "put a b"));
        assertEquals(new TxnRequest(List.of(), List.of(), List.of()), TxnParser.parse(List.of("", "", "", "")));
    }

    private static void assertError(String prefix, List<String> lines) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TxnParser.parse(lines));
        assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
}
