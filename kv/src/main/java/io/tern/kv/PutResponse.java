package io.tern.kv;

/** @param prevKv the key before the put, when asked for and it existed; otherwise {@code null} */
public record PutResponse(VersionedKeyValue prevKv) implements KvOpResponse {
}
