package io.tern.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class BenchReportTest {

    private static BenchReport sample() {
        Histogram reads = new Histogram(3);
        Histogram writes = new Histogram(3);
        for (int i = 1; i <= 1000; i++) {
            reads.recordValue(i); // 1 us .. 1 ms
            writes.recordValue(1000L * i); // 1 ms .. 1 s
        }
        Histogram all = reads.copy();
        all.add(writes);
        return new BenchReport(List.of("127.0.0.1:7379"), 64, 8, "linearizable", 0.5, 256, 100_000, 5, 30.0,
                2000, 66.7, 1000, 10, 1000, 3, Map.of("TIMEOUT", 2L, "UNAVAILABLE", 1L),
                BenchReport.Latency.of(all), BenchReport.Latency.of(reads), BenchReport.Latency.of(writes));
    }

    @Test
    void latenciesAreMillisecondsFromMicroseconds() {
        BenchReport.Latency reads = sample().readLatencyMs();
        assertEquals(1000, reads.count());
        assertEquals(0.5, reads.p50(), 0.001);
        assertEquals(0.99, reads.p99(), 0.001);
        assertEquals(1.0, reads.max(), 0.001);
        assertEquals(new BenchReport.Latency(0, 0, 0, 0, 0, 0, 0), BenchReport.Latency.of(new Histogram(3)));
    }

    @Test
    void text() {
        StringWriter text = new StringWriter();
        sample().print(new PrintWriter(text, true));
        assertEquals("""
                tern bench: 64 clients over 8 connections per endpoint to 127.0.0.1:7379
                workload  50% linearizable reads, 256-byte values, 100000 keys; 30.0 s measured after 5.0 s of warmup
                ops       2000 (66.7 ops/s)
                reads     1000 (10 not found)
                writes    1000
                errors    3 (TIMEOUT 2, UNAVAILABLE 1)
                latency         p50       p90       p99      p999       max   (ms)
                  all         1.000   800.255   980.479   998.399  1000.447
                  reads       0.500     0.900     0.990     0.999     1.000
                  writes    500.223   900.095   990.207   999.423  1000.447
                """, text.toString());
    }

    @Test
    void jsonHasEveryField() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        JsonNode json = mapper.readTree(mapper.writeValueAsString(sample()));
        assertEquals(List.of("endpoints", "clients", "connectionsPerEndpoint", "readMode", "readRatio", "valueSize",
                "keys", "warmupSeconds", "durationSeconds", "ops", "opsPerSecond", "reads", "readsNotFound", "writes",
                "errors", "errorsByType", "latencyMs", "readLatencyMs", "writeLatencyMs"), fieldNames(json));
        assertEquals(List.of("count", "mean", "p50", "p90", "p99", "p999", "max"), fieldNames(json.get("latencyMs")));
        assertEquals(2, json.get("errorsByType").get("TIMEOUT").asLong());
        assertEquals(0.99, json.get("readLatencyMs").get("p99").asDouble());
    }

    private static List<String> fieldNames(JsonNode node) {
        return node.properties().stream().map(Map.Entry::getKey).toList();
    }
}
