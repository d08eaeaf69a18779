package io.tern.client;

import io.tern.kv.KeyValue;
import java.util.List;

/**
 * A SCAN's answer.
 *
 * @param revision the applied index the scan observed
 * @param entries  the keys and values in key order
 * @param more     whether the limit cut the result (scan again from after the last key)
 */
public record ScanResult(long revision, List<KeyValue> entries, boolean more) {

    /** Keeps an unmodifiable copy of {@code entries}. */
    public ScanResult {
        entries = List.copyOf(entries);
    }
}
