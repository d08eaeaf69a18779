package io.tern.engine.state;

import io.tern.kv.KeyValue;
import java.util.List;

/**
 * The pairs of a key range in ascending unsigned byte order, all read from one snapshot.
 *
 * @param revision the applied index of the state that was read
 * @param entries the pairs found, at most the limit asked for
 * @param more {@code true} when the limit cut the result: the range holds further keys
 */
public record ScanResult(long revision, List<KeyValue> entries, boolean more) {

    public ScanResult {
        entries = List.copyOf(entries);
    }
}
