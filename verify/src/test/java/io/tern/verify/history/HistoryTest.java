package io.tern.verify.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.client.protocol.ReadMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryTest {

    @TempDir
    Path dir;

    @Test
    void everyKindOfOperationSurvivesAJsonLinesRoundTrip() throws IOException {
        History history = History.of(
                new Operation(1, new Call.Get("k1", ReadMode.LINEARIZABLE), new Outcome.ValueRead("v1"), 10, 20, 7),
                new Operation(1, new Call.Get("k1", ReadMode.LOCAL), new Outcome.ValueRead(null), 21, 30, 7),
                new Operation(2, new Call.Put("k1", "v2"), new Outcome.Written(), 11, 40, 8),
                new Operation(3, new Call.Delete("k2"), new Outcome.Deleted(false), 12, 41, 9),
                new Operation(3, new Call.Delete("k2"), new Outcome.Written(), 42, 43),
                new Operation(4, new Call.Cas("k1", null, "v3"), new Outcome.CasMismatch("v2"), 50, 60, 9),
                new Operation(4, new Call.Cas("k1", "v2", null), new Outcome.Written(), 61, 70, 10),
                new Operation(5, new Call.Batch(List.of(Call.BatchWrite.put("k1", "v4"), Call.BatchWrite.delete("k2"))),
                        new Outcome.Written(), 71, 80, 11),
                new Operation(6, new Call.Put("k3", "v5"), new Outcome.Failed("UNAVAILABLE"), 81, 82),
                new Operation(8, new Call.Txn(List.of(new Call.Guard("k1", "v4"), new Call.Guard("k2", null)),
                        List.of(Call.BatchWrite.put("k1", "v7"), Call.BatchWrite.delete("k2"))), new Outcome.Written(),
                        84, 90, 12),
                new Operation(8, new Call.Txn(List.of(new Call.Guard("k1", null), new Call.Guard("k2", "v1")),
                        List.of(Call.BatchWrite.put("k2", "v8"))),
                        guardsFailed("k1", null, "k2", "v7"), 91, 95, 12),
                Operation.unknown(7, new Call.Cas("k3", "v5", "v6"), 83, "TIMEOUT"));
        Path file = dir.resolve("history.jsonl");

        history.writeJsonLines(file);
        History read = History.readJsonLines(file);

        assertEquals(history.operations(), read.operations());
        assertEquals(history.size(), Files.readAllLines(file).size(), "one operation per line");
    }

    /** Guards that found these values ({@code null}: absent), which {@code Map.of} cannot hold. */
    private static Outcome.GuardsFailed guardsFailed(String key1, String value1, String key2, String value2) {
        java.util.Map<String, String> found = new java.util.HashMap<>();
        found.put(key1, value1);
        found.put(key2, value2);
        return new Outcome.GuardsFailed(found);
    }

    @Test
    void aLineThatIsNotAnOperationIsReportedWithItsNumber() throws IOException {
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(file, History.toJson(new Operation(1, new Call.Delete("k"), new Outcome.Written(), 0, 1))
                + "\n\n{\"process\":1,\"call\":{\"type\":\"teleport\"}}\n");

        IOException error = assertThrows(IOException.class, () -> History.readJsonLines(file));

        assertTrue(error.getMessage().contains("line 3"), error.getMessage());
    }

    @Test
    void manyThreadsMayRecordAtOnce() throws InterruptedException {
        History history = new History();
        List<Thread> threads = new ArrayList<>();
        for (int process = 0; process < 8; process++) {
            int p = process;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 1000; i++) {
                    history.record(new Operation(p, new Call.Put("k", p + "-" + i), new Outcome.Written(), i, i + 1));
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }

        Set<String> values = new HashSet<>();
        history.operations().forEach(op -> values.add(((Call.Put) op.call()).value()));
        assertEquals(8000, values.size());
    }
}
