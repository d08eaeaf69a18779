package io.tern.client;

import io.tern.kv.KvOpResponse;
import java.util.Objects;

/**
 * The answer to one of etcd's key operations ({@link KvClient}).
 *
 * @param revision for a range, the revision it read at (the store's revision for a current read); for
 *     a write, the revision of its log entry, which the write's changes carry
 * @param response what the operation returned, as etcd returns it
 */
public record KvResult<R extends KvOpResponse>(long revision, R response) {

    public KvResult {
        Objects.requireNonNull(response, "response");
    }
}
