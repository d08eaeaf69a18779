package io.tern.engine.snapshot;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapshotIdTest {

    @Test
    void directoryNamePadsTheIndexSoThatNamesSortByIndex() {
        assertEquals("snap-00000000000000000042-7", new SnapshotId(42, 7).directoryName());
        assertEquals("snap-09223372036854775807-9223372036854775807",
                new SnapshotId(Long.MAX_VALUE, Long.MAX_VALUE).directoryName());

        List<String> names = new ArrayList<>(List.of(
                new SnapshotId(100, 1).directoryName(), new SnapshotId(9, 1).directoryName(),
                new SnapshotId(20, 1).directoryName()));
        names.sort(null);
        assertEquals(List.of(new SnapshotId(9, 1).directoryName(), new SnapshotId(20, 1).directoryName(),
                new SnapshotId(100, 1).directoryName()), names);
    }

    @Test
    void parseReadsBackOnlyTheCanonicalSpelling() {
        SnapshotId id = new SnapshotId(123_456, 3);
        assertEquals(Optional.of(id), SnapshotId.parse(id.directoryName()));

        assertTrue(SnapshotId.parse("snap-00000000000000123456-03").isEmpty(), "leading zero in the term");
        assertTrue(SnapshotId.parse("snap-0000000000000123456-3").isEmpty(), "19-digit index");
        assertTrue(SnapshotId.parse("snap-99999999999999999999-3").isEmpty(), "index beyond a long");
        assertTrue(SnapshotId.parse("corrupt-" + id.directoryName()).isEmpty());
        assertTrue(SnapshotId.parse("tmp-create-abc").isEmpty());
    }

    @Test
    void ordersByIndexThenTermAndRefusesNegatives() {
        assertTrue(new SnapshotId(5, 9).compareTo(new SnapshotId(6, 1)) < 0);
        assertTrue(new SnapshotId(5, 2).compareTo(new SnapshotId(5, 1)) > 0);
        assertThrows(IllegalArgumentException.class, () -> new SnapshotId(-1, 1));
        assertThrows(IllegalArgumentException.class, () -> new SnapshotId(1, -1));
    }
}
