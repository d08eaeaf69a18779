package io.tern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tern.client.TernClient;
import io.tern.client.protocol.BatchOp;
import io.tern.client.protocol.ProtocolLimits;
import io.tern.platform.HostPort;
import io.tern.server.ServerConfig;
import io.tern.server.TernServer;
import io.tern.verify.cluster.Await;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every client command against a real single-node server: exact output and exit code, success and failure. */
class CliServerTest {

    private static final String NL = System.lineSeparator();

    @TempDir
    static Path data;

    private static TestNode node;
    private static TernClient client;

    @BeforeAll
    static void startServer() throws InterruptedException {
        Cli.assumeClientBuilt();
        node = TestNode.start(data);
        client = TernClient.connect(List.of(node.endpoint()));
    }

    @AfterAll
    static void stopServer() {
        if (client != null) {
            client.close();
        }
        if (node != null) {
            node.close();
        }
    }

    private static Cli.Result tern(String... args) {
        return node.tern(args);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Asserts exit 0, nothing on stderr, and stdout of one line matching {@code regex}; returns group 1. */
    private static long okLine(Cli.Result result, String regex) {
        assertEquals("", result.err(), "stderr");
        assertEquals(0, result.exitCode());
        Matcher m = Pattern.compile(regex + NL).matcher(result.out());
        assertTrue(m.matches(), () -> "'" + result.out() + "' does not match " + regex);
        return Long.parseLong(m.group(1));
    }

    @Test
    void putThenGet() {
        long revision = okLine(tern("put", "greeting", "hello, wörld"), "OK revision=(\\d+)");
        assertTrue(revision > 0);
        tern("get", "greeting").assertOk("hello, wörld" + NL);
        tern("get", "greeting", "--local", "--min-revision", Long.toString(revision)).assertOk("hello, wörld" + NL);
        tern("get", "greeting", "--local").assertOk("hello, wörld" + NL);
    }

    @Test
    void getShowsBinaryAndMultiLineValuesAsHex() {
        client.put(utf8("binary"), new byte[] {0, 1, (byte) 0xff});
        tern("get", "binary").assertOk("0x0001ff" + NL);
        tern("put", "two-lines", "a\nb");
        tern("get", "two-lines").assertOk("0x610a62" + NL);
        tern("put", "empty", "");
        tern("get", "empty").assertOk(NL);
    }

    @Test
    void getOfAMissingKeyExitsOneWithALineOnStderr() {
        Cli.Result result = tern("get", "no-such-key");
        assertEquals(1, result.exitCode());
        assertEquals("", result.out());
        assertTrue(result.err().matches("tern get: no-such-key not found \\(revision \\d+\\)" + NL), result.err());
    }

    @Test
    void del() {
        tern("put", "doomed", "x");
        okLine(tern("del", "doomed"), "OK revision=(\\d+) existed=true");
        okLine(tern("del", "doomed"), "OK revision=(\\d+) existed=false");
        assertEquals(1, tern("get", "doomed").exitCode());
    }

    @Test
    void casSucceedsOrShowsWhatItFound() {
        okLine(tern("cas", "counter", "--absent", "--set", "one"), "OK revision=(\\d+)");
        Cli.Result mismatch = tern("cas", "counter", "--absent", "--set", "two");
        assertEquals(1, mismatch.exitCode());
        assertEquals("", mismatch.err());
        assertTrue(mismatch.out().matches("MISMATCH revision=\\d+ current=one" + NL), mismatch.out());
        okLine(tern("cas", "counter", "--expect", "one", "--set", "two"), "OK revision=(\\d+)");
        tern("get", "counter").assertOk("two" + NL);
        okLine(tern("cas", "counter", "--expect", "two", "--delete"), "OK revision=(\\d+)");
        Cli.Result absent = tern("cas", "counter", "--expect", "two", "--set", "three");
        assertEquals(1, absent.exitCode());
        assertTrue(absent.out().matches("MISMATCH revision=\\d+ current=\\(absent\\)" + NL), absent.out());
    }

    @Test
    void scanPrintsKeyTabValueInKeyOrder() {
        for (String k : List.of("c", "a", "e", "b", "d")) {
            client.put(utf8("scan/" + k), utf8(k.toUpperCase()));
        }
        client.put(utf8("scan/f"), new byte[] {(byte) 0x80});
        tern("scan", "scan/", "scan0").assertOk(String.join(NL, "scan/a\tA", "scan/b\tB", "scan/c\tC", "scan/d\tD",
                "scan/e\tE", "scan/f\t0x80") + NL);
        tern("scan", "scan/c", "scan/e").assertOk("scan/c\tC" + NL + "scan/d\tD" + NL);
        tern("scan", "scan/", "scan0", "--local").assertOk(String.join(NL, "scan/a\tA", "scan/b\tB", "scan/c\tC",
                "scan/d\tD", "scan/e\tE", "scan/f\t0x80") + NL);
        tern("scan", "scan/x", "scan0").assertOk("");
    }

    @Test
    void scanSaysWhenTheLimitCutItShort() {
        for (String k : List.of("a", "b", "c")) {
            client.put(utf8("cut/" + k), utf8(k));
        }
        Cli.Result cut = tern("scan", "cut/", "cut0", "--limit", "2");
        assertEquals(0, cut.exitCode());
        assertEquals("cut/a\ta" + NL + "cut/b\tb" + NL, cut.out());
        Cli.assertOneLine(cut.err(), "tern scan: more keys follow the last one shown");
        tern("scan", "cut/", "cut0", "--limit", "3").assertOk("cut/a\ta" + NL + "cut/b\tb" + NL + "cut/c\tc" + NL);
    }

    @Test
    void scanPastThePageSizeFetchesSeveralPages() {
        int count = ProtocolLimits.SCAN_MAX_LIMIT + 5;
        List<BatchOp> puts = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String key = String.format("page/%05d", i);
            puts.add(new BatchOp.Put(utf8(key), utf8("v" + i)));
            expected.add(key + "\tv" + i);
        }
        client.batch(puts);
        assertEquals(expected, tern("scan", "page/", "page0", "--limit", "0").assertOk(String.join(NL, expected) + NL).outLines());
        Cli.Result cut = tern("scan", "page/", "page0", "--limit", Integer.toString(count - 3));
        assertEquals(expected.subList(0, count - 3), cut.outLines());
        Cli.assertOneLine(cut.err(), "tern scan: more keys follow");
        assertEquals(expected.subList(0, ProtocolLimits.SCAN_MAX_LIMIT), tern("scan", "page/", "page0").outLines(),
                "the default limit is one page");
    }

    @Test
    void statusIsATableOfEveryMember() {
        Cli.Result status = tern("status");
        assertEquals(0, status.exitCode(), status.err());
        assertEquals("", status.err());
        List<String> lines = status.outLines();
        assertEquals(2, lines.size(), status.out());
        assertEquals(List.of("ID", "ADDRESS", "ROLE", "TERM", "LEADER", "COMMIT", "APPLIED", "SNAPSHOT", "VOTER", "LAG",
                "CONTACT", "HEALTH"), Arrays.asList(lines.get(0).split(" +")));
        String[] row = lines.get(1).split(" +");
        assertEquals(List.of("1", node.endpoint(), "LEADER"), Arrays.asList(row).subList(0, 3));
        assertEquals("1", row[4]);
        assertEquals(List.of("yes", "0", "-", "ok"), Arrays.asList(row).subList(8, 12), "a lone leader lags nothing");
        assertTrue(lines.get(0).indexOf("ROLE") == lines.get(1).indexOf("LEADER"), "columns line up:\n" + status.out());
    }

    @Test
    void statusJson() throws Exception {
        Cli.Result status = tern("status", "--json");
        assertEquals(0, status.exitCode(), status.err());
        assertEquals(1, status.outLines().size());
        JsonNode members = new ObjectMapper().readTree(status.out());
        assertEquals(1, members.size());
        JsonNode one = members.get(0);
        assertEquals(1, one.get("id").asLong());
        assertEquals(node.endpoint(), one.get("address").asText());
        assertTrue(one.get("reachable").asBoolean());
        assertEquals("LEADER", one.get("role").asText());
        assertEquals(1, one.get("leaderId").asLong());
        assertTrue(one.get("appliedIndex").asLong() > 0);
        assertTrue(one.has("commitIndex") && one.has("snapshotIndex") && one.has("term") && one.has("members"));
    }

    @Test
    void membershipChangesAndAnUnreachableMemberInStatus() throws Exception {
        String nowhere = "127.0.0.1:" + Cli.closedPort();
        okLine(tern("member", "add", "2", nowhere, "--learner"), "OK revision=(\\d+)");
        try {
            // The leader's view of its followers is refreshed at each heartbeat tick.
            Await.until("the leader's view of member 2", Duration.ofSeconds(10), () -> {
                List<String> rows = tern("status", "--timeout", "1s").outLines();
                return rows.size() == 3 && rows.get(2).split(" +")[9].matches("\\d+");
            });
            Cli.Result status = tern("status", "--timeout", "1s");
            assertEquals(4, status.exitCode(), status.err());
            List<String> lines = status.outLines();
            assertEquals(3, lines.size(), status.out());
            List<String> unreachable = Arrays.asList(lines.get(2).split(" +"));
            assertEquals(List.of("2", nowhere, "unreachable", "-", "-", "-", "-", "-", "no"), unreachable.subList(0, 9));
            assertTrue(Long.parseLong(unreachable.get(9)) > 0, "the leader says how far behind it is: " + unreachable);
            assertEquals(List.of("-", "-"), unreachable.subList(10, 12), "it never answered; its health is unknown");
            Cli.assertOneLine(status.err(), "tern status: 1 of 2 members unreachable: 2 at " + nowhere + " (");
            JsonNode json = new ObjectMapper().readTree(tern("status", "--json", "--timeout", "1s").out());
            assertEquals(2, json.size());
            assertEquals(false, json.get(1).get("reachable").asBoolean());
            assertTrue(json.get(1).has("error"));
        } finally {
            okLine(tern("member", "remove", "2"), "OK revision=(\\d+)");
        }
        assertEquals(0, tern("status").exitCode());
    }

    @Test
    void promoteRefusesWhatIsNotALearnerAndALearnerNotInSync() {
        tern("member", "promote", "5").assertFails(3, "tern member promote: refused (BAD_REQUEST): there is no member 5");
        tern("member", "promote", "1").assertFails(3,
                "tern member promote: refused (BAD_REQUEST): member 1 is not a learner, it is already a voter");
        String nowhere = "127.0.0.1:" + Cli.closedPort();
        okLine(tern("member", "add", "5", nowhere, "--learner"), "OK revision=(\\d+)");
        try {
            tern("member", "promote", "5", "--timeout", "500ms").assertFails(4, "tern member promote: unavailable: "
                    + node.endpoint() + ": learner 5 is not in sync with the leader: it holds the log up to index 0 of ");
        } finally {
            okLine(tern("member", "remove", "5"), "OK revision=(\\d+)");
        }
    }

    @Test
    void aJoiningNodeShowsItselfThenJoinsAsALearnerAndIsPromoted() throws Exception {
        String address = "127.0.0.1:" + Cli.closedPort();
        ServerConfig single = ServerConfig.singleNode(data.resolve("joiner"), "127.0.0.1", Cli.closedPort());
        ServerConfig join = new ServerConfig(7, single.dataDirectory(), new TreeMap<>(Map.of(1L, node.endpoint(), 7L, address)),
                new InetSocketAddress("127.0.0.1", HostPort.parse(address).port()),
                true, single.heartbeat(), single.electionTimeout(), single.fsync(), single.snapshotEntries(),
                single.maxValueBytes(), true, single.requestTimeout(), single.maxConnections(), single.stallTimeout(),
                single.maxPendingOutputBytes(), null, null, false, single.diskReserveBytes(), single.diskCheckInterval());
        try (TernServer joiner = TernServer.start(join)) {
            assertEquals(join.listen().getPort(), joiner.boundAddress().getPort());
            Cli.Result alone = Cli.run("status", "--endpoints", address);
            assertEquals(0, alone.exitCode(), alone.err());
            assertEquals(List.of("7", address, "LEARNER"), Arrays.asList(alone.outLines().get(1).split(" +")).subList(0, 3));
            assertEquals(2, alone.outLines().size(), alone.out());

            long added = okLine(tern("member", "add", "7", address, "--learner"), "OK revision=(\\d+)");
            try {
                Cli.Result both = tern("status");
                assertEquals(0, both.exitCode(), both.err());
                List<String> rows = both.outLines();
                assertEquals(3, rows.size(), both.out());
                String[] learner = rows.get(2).split(" +");
                assertEquals(List.of("7", address, "LEARNER"), Arrays.asList(learner).subList(0, 3));
                assertEquals("no", learner[8]);

                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (joiner.node().status().appliedIndex() < added) {
                    assertTrue(System.nanoTime() < deadline, "the learner did not apply its own addition within 10 s");
                    Thread.sleep(5);
                }
                long promoted = okLine(tern("member", "promote", "7"), "OK revision=(\\d+)");
                assertTrue(promoted > added);
                String[] voter = tern("status").outLines().get(2).split(" +");
                assertEquals(List.of("7", address), Arrays.asList(voter).subList(0, 2));
                assertEquals("yes", voter[8]);
            } finally {
                okLine(tern("member", "remove", "7"), "OK revision=(\\d+)");
            }
        }
    }

    @Test
    void alarmListShowsTheRaisedAlarmsAndDisarmClearsThem() {
        tern("alarm", "list").assertOk("");
        tern("alarm", "disarm").assertOk("");
        okLine(tern("member", "add", "2", "127.0.0.1:" + Cli.closedPort(), "--learner"), "OK revision=(\\d+)");
        okLine(tern("member", "add", "3", "127.0.0.1:" + Cli.closedPort(), "--learner"), "OK revision=(\\d+)");
        try {
            node.raiseAlarm(3, "member 3's disk is full");
            node.raiseAlarm(2, "member 2's disk is full");
            tern("alarm", "list").assertOk("2\tNOSPACE\tmember 2's disk is full" + NL
                    + "3\tNOSPACE\tmember 3's disk is full" + NL);
            tern("put", "while-alarmed", "x").assertFails(3, "tern put: refused (NO_SPACE): NOSPACE alarm: member 2's disk");

            okLine(tern("alarm", "disarm", "2"), "OK member=2 alarm=NOSPACE revision=(\\d+)");
            tern("alarm", "list").assertOk("3\tNOSPACE\tmember 3's disk is full" + NL);
            tern("alarm", "disarm", "9").assertFails(3, "tern alarm disarm: refused (BAD_REQUEST): there is no member 9");

            node.raiseAlarm(2, "member 2's disk is full again");
            Cli.Result all = tern("alarm", "disarm");
            assertEquals(0, all.exitCode(), all.err());
            assertEquals("", all.err());
            List<String> lines = all.outLines();
            assertEquals(2, lines.size(), all.out());
            assertTrue(lines.get(0).matches("OK member=2 alarm=NOSPACE revision=\\d+"), all.out());
            assertTrue(lines.get(1).matches("OK member=3 alarm=NOSPACE revision=\\d+"), all.out());
            tern("alarm", "list").assertOk("");
            okLine(tern("put", "after-disarm", "x"), "OK revision=(\\d+)");
        } finally {
            okLine(tern("member", "remove", "2"), "OK revision=(\\d+)");
            okLine(tern("member", "remove", "3"), "OK revision=(\\d+)");
        }
    }

    @Test
    void leaderTransfer() {
        tern("leader", "transfer", "1").assertOk("OK leader is now 1" + NL);
        tern("leader", "transfer", "9").assertFails(3, "tern leader transfer: refused (BAD_REQUEST): there is no member 9");
    }

    @Test
    void snapshot() {
        tern("put", "before-snapshot", "x");
        assertTrue(okLine(tern("snapshot"), "OK snapshot index=(\\d+)") > 0);
    }

    @Test
    void overLongKeysAreRefused() {
        String key = "k".repeat(ProtocolLimits.MAX_KEY_BYTES + 1);
        tern("put", key, "v").assertFails(3, "tern put: refused (TOO_LARGE)");
        tern("get", key).assertFails(3, "tern get: refused (TOO_LARGE)");
        tern("del", key).assertFails(3, "tern del: refused (TOO_LARGE)");
        tern("cas", key, "--absent", "--set", "v").assertFails(3, "tern cas: refused (TOO_LARGE)");
    }

    @Test
    void verboseAddsTheStackTrace() {
        String key = "k".repeat(ProtocolLimits.MAX_KEY_BYTES + 1);
        Cli.Result result = tern("put", key, "v", "--verbose");
        assertEquals(3, result.exitCode());
        assertTrue(result.err().startsWith("tern put: refused (TOO_LARGE)"), result.err());
        assertTrue(result.err().lines().count() > 2, result.err());
    }
}
