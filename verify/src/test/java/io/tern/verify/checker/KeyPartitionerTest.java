package io.tern.verify.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.tern.verify.history.History;
import io.tern.verify.history.HistoryText;
import io.tern.verify.history.Operation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyPartitionerTest {

    @Test
    void keysStayApartUntilABatchTiesThemAndTiesAreTransitive() {
        History history = HistoryText.parse("""
                [0,1] p1 put a a1 -> ok
                [0,1] p1 put b b1 -> ok
                [0,1] p1 put c c1 -> ok
                [0,1] p1 put d d1 -> ok
                [0,1] p1 put e e1 -> ok
                [2,3] p2 batch put a a2, delete b -> ok
                [4,5] p2 batch put c c2, put b b3 -> ok
                [6,7] p2 batch put e e2 -> ok
                """);

        List<Partition> partitions = KeyPartitioner.partition(entries(history.operations()));

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
