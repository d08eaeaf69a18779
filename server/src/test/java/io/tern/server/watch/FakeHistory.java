package io.tern.server.watch;

import io.tern.engine.state.CompactedRevisionException;
import io.tern.engine.state.HistoryBatch;
import io.tern.kv.Bytes;
import io.tern.kv.VersionedKeyValue;
import io.tern.kv.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A member's history in memory, as the engine keeps it: every change with its revision (one per
 * write here, with sparse revisions like log indexes), the previous key filled in, and a compaction.
 */
final class FakeHistory implements HistorySource {

    private final List<WatchEvent> events = new ArrayList<>();
    private final Map<String, VersionedKeyValue> keys = new HashMap<>();
    private long current;
    private long compactRevision;
    int reads;

    /** Applies a put at the next revision (skipping one now and then, as log entries without changes do). */
    WatchEvent put(String key, String value) {
        long revision = nextRevision();
        VersionedKeyValue previous = keys.get(key);
        VersionedKeyValue kv = new VersionedKeyValue(bytes(key), bytes(value),
                previous == null ? revision : previous.createRevision(), revision,
                previous == null ? 1 : previous.version() + 1, 0);
        keys.put(key, kv);
        return record(new WatchEvent(WatchEvent.Type.PUT, kv, previous));
    }

    WatchEvent delete(String key) {
        long revision = nextRevision();
        VersionedKeyValue previous = keys.remove(key);
        return record(new WatchEvent(WatchEvent.Type.DELETE,
                new VersionedKeyValue(bytes(key), Bytes.EMPTY, 0, revision, 0, 0), previous));
    }

    private long nextRevision() {
        current += current % 5 == 4 ? 2 : 1;
        return current;
    }

    private WatchEvent record(WatchEvent event) {
        events.add(event);
        return event;
    }

    void compact(long revision) {
        compactRevision = revision;
    }

    @Override
    public HistoryBatch history(long fromRevision, int maxEvents, long maxBytes, boolean withPrevKv) {
        reads++;
        if (fromRevision < compactRevision) {
            throw new CompactedRevisionException(compactRevision);
        }
        List<WatchEvent> batch = new ArrayList<>();
        for (WatchEvent event : events) {
            if (event.revision() < fromRevision) {
                continue;
            }
            if (batch.size() >= maxEvents && batch.getLast().revision() != event.revision()) {
                return new HistoryBatch(batch, event.revision());
            }
            batch.add(withPrevKv ? event : new WatchEvent(event.type(), event.kv(), null));
        }
        return new HistoryBatch(batch, current + 1);
    }

    @Override
    public long compactRevision() {
        return compactRevision;
    }

    @Override
    public long currentRevision() {
        return current;
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
