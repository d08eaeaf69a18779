package io.tern.kv;

import java.util.List;

/**
 * The keys a {@link RangeRequest} found.
 *
 * @param kvs the keys (empty for a count-only range)
 * @param more whether more keys of the range exist past the limit
 * @param count how many keys the range holds at its revision, before the limit and the min/max
 *     revision filters (as etcd counts)
 */
public record RangeResponse(List<VersionedKeyValue> kvs, boolean more, long count) implements KvOpResponse {

    public RangeResponse {
        kvs = List.copyOf(kvs);
    }
}
