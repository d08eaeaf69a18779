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
        HistoryBuilder h = new HistoryBuilder().add("""
                known: [0,1] p1 put k v1 -> ok
                       [2,?] p2 put k never-read -> ? TIMEOUT
                seen:  [3,?] p3 put k read-later -> ? TIMEOUT
                read:  [10,11] p1 get k -> read-later
                """);

        assertEquals(List.of(h.id("known"), h.id("seen"), h.id("read")), keptIds(h));
    }

    @Test
    void anUnknownDeleteIsKeptWhileSomeoneSawTheKeyAbsent() {
        HistoryBuilder h = new HistoryBuilder().add("""
                put:    [0,1] p1 put k v1 -> ok
                delete: [2,?] p2 delete k -> ? "connection lost"
                absent: [10,11] p1 get k -> nil
                """);

        assertEquals(List.of(h.id("put"), h.id("delete"), h.id("absent")), keptIds(h));
    }

    @Test
    void droppingAnUnknownCasFreesTheUnknownWriteItExpected() {
        HistoryBuilder h = new HistoryBuilder().add("""
                [0,?] p1 put k v1 -> ? TIMEOUT
                [1,?] p2 cas k v1 v2 -> ? TIMEOUT
                """);

        assertEquals(List.of(), keptIds(h));
    }

    @Test
    void aDeleteThatFoundTheKeyKeepsEveryUnknownPutOfIt() {
        HistoryBuilder h = new HistoryBuilder().add("""
                put:    [0,?] p1 put k v1 -> ? TIMEOUT
                delete: [5,6] p2 delete k -> ok existed
                """);

        assertEquals(List.of(h.id("put"), h.id("delete")), keptIds(h));
    }
}
