package io.tern.kv;

import java.util.List;

/**
 * The keys a {@link RangeRequest} found.
 *
 * @param kvs the keys (empty for a count-only range)
 * @param more whether more keys of the range exist past the limit
 * @param count how many keys of the range (and its revision bounds) there are, limit aside
 */
public record RangeResponse(List<VersionedKeyValue> kvs, boolean more, long count) implements KvOpResponse {

    public RangeResponse {
        kvs = List.copyOf(kvs);
    }
}
