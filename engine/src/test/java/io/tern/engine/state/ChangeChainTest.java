package io.tern.engine.state;

import io.tern.kv.VersionedKeyValue;
import org.junit.jupiter.api.Test;
import org.rocksdb.RocksIterator;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.tern.engine.state.TestEntries.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A walk back along a key's chain finds its newest change at or before any revision, reading about
 * log² n events for n changes rather than every change since.
 */
class ChangeChainTest {

    @Test
    void theWalkFindsTheNewestChangeAtOrBeforeEveryRevisionInFewReads() throws Exception {
        Random random = new Random(11);
        CountingEvents events = new CountingEvents();
        List<Long> revisions = new ArrayList<>();
        List<Integer> subs = new ArrayList<>();
        byte[] record = null;
        long revision = 0;
        int sub = 0;
        for (int change = 1; change <= 5_000; change++) {
            // A batch may change a key more than once in one entry: then only the sub-revision grows.
            if (change > 1 && random.nextInt(4) == 0) {
                sub++;
            } else {
                revision += 1 + random.nextInt(5);
                sub = random.nextInt(3);
            }
            ChangeChain.Step step = record == null ? ChangeChain.first(revision, sub)
                    : StateLayout.recordChain(record).next(revision, sub);
            VersionedKeyValue kv = new VersionedKeyValue(bytes("k"), bytes("v" + change), 1, revision, change, 0);
            events.put(revision, sub, StateLayout.encodePutEvent(kv, step.links()));
            record = StateLayout.encodeLiveRecord(kv, step.chain());
            revisions.add(revision);
            subs.add(sub);
            assertEquals(change, StateLayout.recordChain(record).changes());
        }
        VersionedReads reads = new VersionedReads(events);
        int mostReads = 0;
        for (int probe = 0; probe < 20_000; probe++) {
            long target = random.nextLong(revision + 2);
            events.reads = 0;
            ChangeChain.Position found = reads.newestChange(record, target);
            int newest = newestAtOrBefore(revisions, target);
            if (newest < 0) {
                assertNull(found, "nothing at or before " + target);
            } else {
                assertEquals(new ChangeChain.Position(revisions.get(newest), subs.get(newest)), found,
                        "the newest change at or before " + target);
            }
            mostReads = Math.max(mostReads, events.reads);
        }
        // Bounded by about log2(5000)² = 150 (82 seen); a walk by previous links alone reads up to 5,000.
        assertTrue(mostReads <= 100, "events read by one walk: " + mostReads);
    }

    @Test
    void aChangeLinksToItsPreviousAndToTheChangeNumberedWithoutItsLowestBit() {
        ChangeChain.Step step = ChangeChain.first(10, 0);
        assertEquals(new ChangeChain.Links(0, 0, 0, 0), step.links());
        List<Long> revisionOfChange = new ArrayList<>(List.of(0L, 10L));
        for (long change = 2; change <= 64; change++) {
            long revision = change * 10;
            step = step.chain().next(revision, 0);
            revisionOfChange.add(revision);
            long jump = change & (change - 1);
            assertEquals(revisionOfChange.get((int) change - 1), step.links().previousRevision(), "previous of " + change);
            assertEquals(jump == 0 ? 0 : revisionOfChange.get((int) jump), step.links().jumpRevision(), "jump of " + change);
            assertEquals(Long.bitCount(change) * ChangeChain.POSITION_BYTES + 8, step.chain().encodedLength());
        }
    }

    private static int newestAtOrBefore(List<Long> revisions, long target) {
        int found = -1;
        for (int i = 0; i < revisions.size() && revisions.get(i) <= target; i++) {
            found = i;
        }
        return found;
    }

    /** Events in memory, counting the reads. */
    private static final class CountingEvents implements StateReader {
        private final Map<ByteBuffer, byte[]> events = new HashMap<>();
        int reads;

        void put(long revision, int sub, byte[] event) {
            events.put(ByteBuffer.wrap(StateLayout.eventKey(revision, sub)), event);
        }

        @Override
        public byte[] get(byte[] key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public byte[] event(byte[] eventKey) {
            reads++;
            return events.get(ByteBuffer.wrap(eventKey));
        }

        @Override
        public RocksIterator iterator() {
            throw new UnsupportedOperationException();
        }
    }
}
