package io.tern.verify.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class UnknownWriteFilterTest {

    private static List<Integer> keptIds(HistoryBuilder h) {
        return UnknownWriteFilter.withoutUnobservedUnknowns(KeyPartitionerTest.entries(h.build().operations()))
                .stream().map(HistoryEntry::id).toList();
    }

    @Test
    void anUnknownWriteNobodyObservedIsDroppedAndOneSomebodyReadIsKept() {
        HistoryBuilder h = new HistoryBuilder();
        int known = h.put(1, "k", "v1", 0, 1);
        h.putUnknown(2, "k", "never-read", 2);
        int seen = h.putUnknown(3, "k", "read-later", 3);
        int read = h.get(1, "k", "read-later", 10, 11);

        assertEquals(List.of(known, seen, read), keptIds(h));
    }

    @Test
    void anUnknownDeleteIsKeptWhileSomeoneSawTheKeyAbsent() {
        HistoryBuilder h = new HistoryBuilder();
        int put = h.put(1, "k", "v1", 0, 1);
        int delete = h.deleteUnknown(2, "k", 2);
        int absent = h.get(1, "k", null, 10, 11);

        assertEquals(List.of(put, delete, absent), keptIds(h));
    }

    @Test
    void droppingAnUnknownCasFreesTheUnknownWriteItExpected() {
        HistoryBuilder h = new HistoryBuilder();
        h.putUnknown(1, "k", "v1", 0);
        h.casUnknown(2, "k", "v1", "v2", 1);

        assertEquals(List.of(), keptIds(h));
    }

    @Test
    void aDeleteThatFoundTheKeyKeepsEveryUnknownPutOfIt() {
        HistoryBuilder h = new HistoryBuilder();
        int put = h.putUnknown(1, "k", "v1", 0);
        int delete = h.delete(2, "k", true, 5, 6);

        assertEquals(List.of(put, delete), keptIds(h));
    }
}
