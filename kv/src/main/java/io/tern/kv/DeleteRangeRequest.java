package io.tern.kv;

import java.util.Objects;

/** Deletes the keys of a range, as etcd's {@code DeleteRangeRequest}; {@code prevKv} answers with what they held. */
public record DeleteRangeRequest(KeyRange range, boolean prevKv) implements KvOp {

    public DeleteRangeRequest {
        Objects.requireNonNull(range, "range");
    }
}
