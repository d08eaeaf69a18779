package io.tern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Short bench runs against a real single-node server: the summary, the progress lines, the JSON. */
class BenchCommandTest {

    private static final String PROGRESS = "(warmup )? *\\d+\\.\\ds +\\d+ ops/s  p99 +\\d+\\.\\d{3} ms  errors \\d+";

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

    @Test
    void jsonSummary() throws Exception {
        Cli.Result run = node.tern("bench", "--clients", "4", "--duration", "1s", "--warmup", "0s", "--keys", "50",
                "--value-size", "16", "--json");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(1, run.outLines().size(), run.out());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals(List.of(node.endpoint()), List.of(json.get("endpoints").get(0).asText()));
        assertEquals(4, json.get("clients").asInt());
        assertEquals(4, json.get("connectionsPerEndpoint").asInt(), "min(clients, 8)");
        assertEquals("linearizable", json.get("readMode").asText());
        long ops = json.get("ops").asLong();
        assertTrue(ops > 0, run.out());
        assertEquals(ops, json.get("reads").asLong() + json.get("writes").asLong());
        assertEquals(0, json.get("errors").asLong());
        assertTrue(json.get("durationSeconds").asDouble() >= 1.0);
        JsonNode latency = json.get("latencyMs");
        assertEquals(ops, latency.get("count").asLong());
        assertTrue(latency.get("p50").asDouble() > 0 && latency.get("p50").asDouble() <= latency.get("p99").asDouble()
                && latency.get("p99").asDouble() <= latency.get("max").asDouble(), latency.toString());
        List<String> progress = run.err().lines().toList();
        assertTrue(!progress.isEmpty() && progress.stream().allMatch(line -> line.matches(PROGRESS)), run.err());
    }

    @Test
    void textSummaryAfterAWarmupOfLocalReadsOnly() {
        Cli.Result run = node.tern("bench", "--clients", "2", "--duration", "500ms", "--warmup", "500ms",
                "--read-ratio", "1", "--read-mode", "local", "--keys", "10");
        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = run.outLines();
        assertEquals("tern bench: 2 clients over 2 connections per endpoint to " + node.endpoint(), lines.get(0));
        assertEquals("workload  100% local reads, 256-byte values, 10 keys; 0.5 s measured after 0.5 s of warmup",
                lines.get(1));
        assertTrue(lines.get(2).matches("ops       \\d+ \\(\\d+\\.\\d ops/s\\)"), lines.get(2));
        assertTrue(lines.get(3).matches("reads     \\d+ \\(\\d+ not found\\)"), lines.get(3));
        assertEquals("writes    0", lines.get(4));
        assertEquals("errors    0", lines.get(5));
        assertEquals("latency         p50       p90       p99      p999       max   (ms)", lines.get(6));
        assertTrue(lines.get(7).startsWith("  all "), lines.get(7));
        assertTrue(lines.get(9).matches(" {2}writes +0\\.000 +0\\.000 +0\\.000 +0\\.000 +0\\.000"), lines.get(9));
        List<String> progress = run.err().lines().toList();
        assertTrue(progress.getFirst().startsWith("warmup "), run.err());
        assertTrue(progress.getLast().matches(" *0\\.5s .*"), "the measured second is counted from the warmup's end: " + run.err());
        assertTrue(progress.stream().allMatch(line -> line.matches(PROGRESS)), run.err());
    }

    @Test
    void writesOnly() throws Exception {
        Cli.Result run = node.tern("bench", "--clients", "8", "--duration", "500ms", "--warmup", "0s",
                "--read-ratio", "0", "--connections", "1", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals(0, json.get("reads").asLong());
        assertEquals(json.get("ops").asLong(), json.get("writes").asLong());
        assertEquals(1, json.get("connectionsPerEndpoint").asInt());
    }

    @Test
    void fillWritesEveryKeyBeforeTheLoad() throws Exception {
        Cli.Result run = node.tern("bench", "--clients", "4", "--duration", "300ms", "--warmup", "0s", "--keys", "30",
                "--key-size", "12", "--fill", "--read-ratio", "1", "--read-mode", "serializable", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals("serializable", json.get("readMode").asText());
        assertTrue(json.get("reads").asLong() > 0, run.out());
        assertEquals(0, json.get("readsNotFound").asLong(), run.out());
        assertEquals(0, json.get("writes").asLong(), "the fill is not measured: " + run.out());
    }

    @Test
    void rangeHistoryReadsPastRevisions() throws Exception {
        Cli.Result run = node.tern("bench", "--workload", "range-history", "--clients", "4", "--duration", "1s",
                "--warmup", "0s", "--keys", "20", "--versions", "3", "--value-size", "16", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals("range-history", json.get("workload").asText());
        long ops = json.get("ops").asLong();
        assertTrue(ops > 0, run.out());
        assertEquals(ops, json.get("reads").asLong());
        assertEquals(0, json.get("writes").asLong());
        assertEquals(0, json.get("errors").asLong(), run.out());
        assertTrue(json.get("readsNotFound").asLong() < ops, "most past revisions hold the key: " + run.out());
        assertTrue(json.get("fanout") == null, run.out());
    }

    @Test
    void watchFanoutDeliversEveryWriteToEveryWatcher() throws Exception {
        Cli.Result run = node.tern("bench", "--workload", "watch-fanout", "--watchers", "10", "--watch-clients", "3",
                "--clients", "1", "--duration", "1s", "--warmup", "0s", "--value-size", "16", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        long writes = json.get("writes").asLong();
        assertTrue(writes > 0, run.out());
        assertEquals(0, json.get("errors").asLong(), run.out());
        JsonNode fanout = json.get("fanout");
        assertEquals(10, fanout.get("watchers").asInt());
        assertEquals(3, fanout.get("watchClients").asInt());
        assertEquals(writes * 10, fanout.get("expectedEvents").asLong(), run.out());
        assertEquals(writes * 10, fanout.get("events").asLong(), run.out());
        assertEquals(0, fanout.get("missingEvents").asLong());
        assertEquals(0, fanout.get("watchErrors").asLong());
        assertTrue(fanout.get("eventsPerSecond").asDouble() > 0, run.out());
        assertEquals(writes * 10, fanout.get("deliveryDelayMs").get("count").asLong(), run.out());
    }

    @Test
    void watchFanoutText() {
        Cli.Result run = node.tern("bench", "--workload", "watch-fanout", "--watchers", "2", "--clients", "2",
                "--duration", "300ms", "--warmup", "200ms");
        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = run.outLines();
        assertTrue(lines.get(1).startsWith("workload  watch-fanout, "), run.out());
        assertTrue(lines.get(10).matches("watchers  2 on 2 clients: \\d+ events \\(\\d+\\.\\d events/s\\), \\d+ expected"),
                run.out());
        assertEquals("missing   0 events, 0 watches failed", lines.get(11));
        assertTrue(lines.get(12).startsWith("  delay "), run.out());
    }

    @Test
    void keepAlivesRenewEveryLeaseInTurn() throws Exception {
        Cli.Result run = node.tern("bench", "--workload", "keepalive", "--leases", "50", "--clients", "4",
                "--duration", "1s", "--warmup", "0s", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals("keepalive", json.get("workload").asText());
        assertEquals(50, json.get("keys").asLong(), "the leases");
        long ops = json.get("ops").asLong();
        assertTrue(ops > 0, run.out());
        assertEquals(ops, json.get("writes").asLong());
        assertEquals(0, json.get("errors").asLong(), run.out());
        assertEquals("found 0 leases", node.tern("lease", "list").out().strip(), "the leases are revoked at the end");
    }

    @Test
    void spreadRunsThePutGetLoadThroughAClientPerEndpoint() throws Exception {
        Cli.Result run = node.tern("bench", "--spread", "--clients", "4", "--duration", "300ms", "--warmup", "0s",
                "--keys", "20", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertTrue(json.get("reads").asLong() > 0 && json.get("writes").asLong() > 0, run.out());
        assertEquals(0, json.get("errors").asLong(), run.out());
    }

    @Test
    void spreadIsOnlyForThePutGetLoadOverTheNativeApi() {
        Cli.Result run = node.tern("bench", "--spread", "--workload", "keepalive");
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.err());
        assertTrue(run.err().contains("--spread applies only to the put-get workload over the native API"), run.err());
    }

    @Test
    void unknownWorkloadIsAUsageError() {
        Cli.Result run = node.tern("bench", "--workload", "nope");
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.err());
        assertTrue(run.err().contains("--workload must be one of put-get, range-history, watch-fanout, keepalive: nope"),
                run.err());
    }
}
