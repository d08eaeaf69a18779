package io.tern.engine.state;

import io.tern.kv.WatchEvent;
import java.util.List;

/**
 * A stretch of history, for a watch catching up: every change with a revision in
 * {@code [from, nextRevision)}, in revision order (changes of one transaction in the order it made
 * them).
 *
 * @param nextRevision where the next stretch starts; a stretch ends early at a size bound, and always
 *     after whole revisions
 */
public record HistoryBatch(List<WatchEvent> events, long nextRevision) {

    public HistoryBatch {
        events = List.copyOf(events);
    }
}
