package io.tern.verify.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.kv.VersionedKeyValue;
import io.tern.kv.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordedWatchTest {

    private static WatchEvent put(String key, String value, long revision) {
        return new WatchEvent(WatchEvent.Type.PUT, new VersionedKeyValue(bytes(key), bytes(value), revision, revision,
                1, 0), null);
    }

    private static WatchEvent delete(String key, long revision) {
        return new WatchEvent(WatchEvent.Type.DELETE, new VersionedKeyValue(bytes(key), new byte[0], 0, revision, 0, 0),
                null);
    }

    @Test
    void itRecordsEventsAsChangesAndIsCompleteThroughItsHighestEventOrProgress() {
        RecordedWatch watch = new RecordedWatch("w", key -> key.startsWith("k"));

        watch.onEvents(List.of(put("k0", "a", 5), delete("k1", 6)));
        watch.onProgress(4);

        ObservedWatch observed = watch.observed(3);
        assertEquals(List.of(Change.put("k0", 5, "a"), Change.delete("k1", 6)), observed.events());
        assertEquals(6, observed.completeThrough());
        assertEquals(3, observed.startRevision());

        watch.onProgress(9);
        assertEquals(9, watch.observed(3).completeThrough());
    }

    @Test
    void waitingForAChangeEndsWhenItIsDeliveredOrTheWatchEnds() throws InterruptedException {
        RecordedWatch watch = new RecordedWatch("w", key -> true);
        watch.onEvents(List.of(put("k1/marker-end", "m", 8)));

        assertTrue(watch.awaitDelivered(Change.put("k1/marker-end", 8, "m"), 1));
        assertFalse(watch.awaitDelivered(Change.put("k1/marker-end", 9, "m"), 1_000_000));

        watch.onClosed("compacted at 3");
        assertFalse(watch.awaitDelivered(Change.put("k0", 10, "x"), Long.MAX_VALUE / 2), "an ended watch is not waited for");
        assertEquals("compacted at 3", watch.endedWith());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
