package io.tern.raft.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigHistoryTest {

    private static Membership voters(long... ids) {
        return new Membership(java.util.Arrays.stream(ids).mapToObj(id -> new Member(id, "n" + id, true)).toList());
    }

    @Test
    void newestEntryIsInForceAndTruncationRevertsToThePrevious() {
        ConfigHistory h = new ConfigHistory(0, voters(1, 2, 3));
        h.append(5, voters(1, 2, 3, 4));
        h.append(9, voters(1, 2, 4));
        assertEquals(List.of(1L, 2L, 4L), h.current().voterIds());
        h.truncateFrom(9);
        assertEquals(List.of(1L, 2L, 3L, 4L), h.current().voterIds());
        assertEquals(5, h.currentIndex());
        h.truncateFrom(3);
        assertEquals(List.of(1L, 2L, 3L), h.current().voterIds());
        assertEquals(0, h.currentIndex());
    }

    @Test
    void committedEntriesAreFoldedButLookupsStayRight() {
        ConfigHistory h = new ConfigHistory(0, voters(1));
        h.append(2, voters(1, 2));
        h.append(4, voters(1, 2, 3));
        h.append(8, voters(2, 3));
        h.committedUpTo(5);
        assertEquals(List.of(1L, 2L, 3L), h.at(5).voterIds());
        assertEquals(List.of(2L, 3L), h.at(8).voterIds());
        h.truncateFrom(8);
        assertEquals(List.of(1L, 2L, 3L), h.current().voterIds());
    }

    @Test
    void snapshotResetsTheHistory() {
        ConfigHistory h = new ConfigHistory(0, voters(1));
        h.append(2, voters(1, 2));
        h.reset(10, voters(7));
        assertEquals(List.of(7L), h.current().voterIds());
        assertThrows(IllegalArgumentException.class, () -> h.append(10, voters(1)));
    }
}
