package io.tern.kv;

import java.util.List;

/** @param prevKvs the deleted keys as they were, when asked for; otherwise empty */
public record DeleteRangeResponse(long deleted, List<VersionedKeyValue> prevKvs) implements KvOpResponse {

    public DeleteRangeResponse {
        prevKvs = List.copyOf(prevKvs);
    }
}
