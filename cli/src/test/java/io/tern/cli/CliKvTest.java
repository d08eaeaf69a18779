package io.tern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** get with etcdctl's options and -w json, put and del with theirs, txn and compact, against a real node. */
class CliKvTest {

    private static final String NL = System.lineSeparator();

    @TempDir
    static Path data;

    private static TestNode node;

    @BeforeAll
    static void startServer() throws InterruptedException {
        Cli.assumeClientBuilt();
        node = TestNode.start(data);
    }

    @AfterAll
    static void stopServer() {
        if (node != null) {
            node.close();
        }
    }

    private static Cli.Result tern(String... args) {
        return node.tern(args);
    }

    private static long revisionOf(Cli.Result put) {
        Matcher m = Pattern.compile("OK revision=(\\d+)" + NL + ".*", Pattern.DOTALL).matcher(put.out());
        assertTrue(m.matches(), put.out());
        return Long.parseLong(m.group(1));
    }

    private static Cli.Result txn(String input) {
        InputStream was = TxnCommand.input;
        TxnCommand.input = new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8));
        try {
            return tern("txn");
        } finally {
            TxnCommand.input = was;
        }
    }

    @Test
    void getWithEtcdctlsOptions() {
        long first = revisionOf(tern("put", "e/a", "1"));
        tern("put", "e/b", "2");
        tern("put", "e/a", "11");
        tern("get", "e/a").assertOk("11" + NL);
        tern("get", "e/", "--prefix").assertOk("e/a" + NL + "11" + NL + "e/b" + NL + "2" + NL);
        tern("get", "e/a", "e/c", "--keys-only").assertOk("e/a" + NL + "e/b" + NL);
        tern("get", "e/", "--prefix", "--count-only").assertOk("2" + NL);
        tern("get", "e/", "--prefix", "--limit", "1", "--sort-by", "VALUE", "--order", "DESCEND")
                .assertOk("e/b" + NL + "2" + NL);
        tern("get", "e/a", "--rev", Long.toString(first)).assertOk("e/a" + NL + "1" + NL);
        tern("get", "e/none", "--prefix").assertOk("");
        Cli.Result badSort = tern("get", "e/", "--prefix", "--sort-by", "SIZE");
        assertEquals(ExitCodes.USAGE, badSort.exitCode());
        Cli.assertOneLine(badSort.err(), "tern get: bad --sort-by SIZE");
        Cli.Result future = tern("get", "e/a", "--rev", "999999");
        assertEquals(ExitCodes.REFUSED, future.exitCode());
        Cli.assertOneLine(future.err(), "tern get: refused (FUTURE_REVISION): mvcc: required revision is a future revision");
    }

    @Test
    void getWritesEtcdctlsJson() throws Exception {
        long revision = revisionOf(tern("put", "j/k", "v"));
        Cli.Result result = tern("get", "j/k", "-w", "json");
        assertEquals(ExitCodes.OK, result.exitCode(), result.err());
        JsonNode json = new ObjectMapper().readTree(result.out());
        assertTrue(json.get("header").get("revision").asLong() >= revision);
        JsonNode kv = json.get("kvs").get(0);
        assertEquals("j/k", new String(Base64.getDecoder().decode(kv.get("key").asText()), StandardCharsets.UTF_8));
        assertEquals("v", new String(Base64.getDecoder().decode(kv.get("value").asText()), StandardCharsets.UTF_8));
        assertEquals(revision, kv.get("create_revision").asLong());
        assertEquals(revision, kv.get("mod_revision").asLong());
        assertEquals(1, kv.get("version").asLong());
        assertFalse(kv.has("lease"), "a zero lease is left out, as etcdctl does");
        assertEquals(1, json.get("count").asLong());
        assertFalse(json.has("more"));
        JsonNode none = new ObjectMapper().readTree(tern("get", "j/none", "-w", "json").out());
        assertFalse(none.has("kvs"));
    }

    @Test
    void putAndDelWithTheirNewOptions() {
        tern("put", "o/k", "old");
        Cli.Result replaced = tern("put", "o/k", "new", "--prev-kv");
        assertTrue(replaced.out().endsWith("o/k" + NL + "old" + NL), replaced.out());
        Cli.Result kept = tern("put", "o/k", "--ignore-value");
        assertEquals(ExitCodes.OK, kept.exitCode(), kept.err());
        tern("get", "o/k").assertOk("new" + NL);
        tern("put", "o/k2", "x");
        tern("del", "o/", "--prefix", "--prev-kv").assertOk("2" + NL + "o/k" + NL + "new" + NL + "o/k2" + NL + "x" + NL);
        Cli.Result plain = tern("del", "o/k");
        assertTrue(plain.out().matches("OK revision=\\d+ existed=false" + NL), plain.out());
        Cli.Result noLease = tern("put", "o/k", "v", "--lease", "abc");
        assertEquals(ExitCodes.REFUSED, noLease.exitCode());
        Cli.assertOneLine(noLease.err(), "tern put: refused (LEASE_NOT_FOUND)");
    }

    @Test
    void txnRunsTheBranchItsComparesChoose() {
        tern("put", "t/k", "v1");
        txn("value(\"t/k\") = \"v1\"" + NL + NL + "put t/k v2" + NL + "get t/k" + NL + NL + "get t/k" + NL)
                .assertOk("SUCCESS" + NL + NL + "OK" + NL + NL + "t/k" + NL + "v2" + NL);
        txn("version(\"t/k\") > \"5\"" + NL + NL + "put t/k v3" + NL + NL + "del t/ --prefix" + NL)
                .assertOk("FAILURE" + NL + NL + "1" + NL);
        Cli.Result bad = txn("mod(\"t/k\") ~ \"1\"" + NL);
        assertEquals(ExitCodes.USAGE, bad.exitCode());
        Cli.assertOneLine(bad.err(), "tern txn: line 1: ");
        Cli.Result duplicate = txn(NL + "put t/a 1" + NL + "put t/a 2" + NL);
        assertEquals(ExitCodes.REFUSED, duplicate.exitCode());
        Cli.assertOneLine(duplicate.err(), "tern txn: refused (BAD_REQUEST): etcdserver: duplicate key given in txn request");
    }

    @Test
    void compactPrintsItsRevisionAndOlderReadsAreRefused() {
        long old = revisionOf(tern("put", "c/k", "1"));
        long kept = revisionOf(tern("put", "c/k", "2"));
        tern("compact", Long.toString(kept)).assertOk("compacted revision " + kept + NL);
        Cli.Result gone = tern("get", "c/k", "--rev", Long.toString(old));
        assertEquals(ExitCodes.REFUSED, gone.exitCode());
        Cli.assertOneLine(gone.err(), "tern get: refused (COMPACTED): mvcc: required revision has been compacted");
        Cli.Result zero = tern("compact", "0");
        assertEquals(ExitCodes.USAGE, zero.exitCode());
    }
}
