package io.tern.verify.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.tern.verify.history.Call;
import io.tern.verify.history.Operation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyPartitionerTest {

    @Test
    void keysStayApartUntilABatchTiesThemAndTiesAreTransitive() {
        HistoryBuilder h = new HistoryBuilder();
        h.put(1, "a", "a1", 0, 1);
        h.put(1, "b", "b1", 0, 1);
        h.put(1, "c", "c1", 0, 1);
        h.put(1, "d", "d1", 0, 1);
        h.put(1, "e", "e1", 0, 1);
        h.batch(2, 2, 3, Call.BatchWrite.put("a", "a2"), Call.BatchWrite.delete("b"));
        h.batch(2, 4, 5, Call.BatchWrite.put("c", "c2"), Call.BatchWrite.put("b", "b3"));
        h.batch(2, 6, 7, Call.BatchWrite.put("e", "e2"));

        List<Partition> partitions = KeyPartitioner.partition(entries(h.build().operations()));

        assertEquals(List.of(List.of("a", "b", "c"), List.of("d"), List.of("e")), partitions.stream().map(Partition::keys).toList());
        assertEquals(List.of(5, 1, 2), partitions.stream().map(p -> p.entries().size()).toList());
        assertInstanceOf(KeyValueMapModel.class, partitions.get(0).model());
        assertInstanceOf(RegisterModel.class, partitions.get(1).model());
        assertInstanceOf(KeyValueMapModel.class, partitions.get(2).model(), "a batch, even on one key, needs the map model");
    }

    static List<HistoryEntry> entries(List<Operation> operations) {
        List<HistoryEntry> entries = new ArrayList<>();
        for (int id = 0; id < operations.size(); id++) {
            entries.add(new HistoryEntry(id, operations.get(id)));
        }
        return entries;
    }
}
