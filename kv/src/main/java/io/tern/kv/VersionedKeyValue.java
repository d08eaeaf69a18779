package io.tern.kv;

import java.util.Objects;

/**
 * A key as the store holds it at one revision: its value and etcd's metadata.
 *
 * @param createRevision the revision that created the key (since its last delete)
 * @param modRevision the revision of its last change
 * @param version 1 when created, one more per put; a delete ends the key's history and the next put
 *     starts again at 1
 * @param lease the lease that holds the key alive, 0 if none
 */
public record VersionedKeyValue(byte[] key, byte[] value, long createRevision, long modRevision, long version,
                                long lease) {

    public VersionedKeyValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    /** The same key without its value, as a keys-only range returns it. */
    public VersionedKeyValue withoutValue() {
        return new VersionedKeyValue(key, Bytes.EMPTY, createRevision, modRevision, version, lease);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VersionedKeyValue kv && Bytes.equal(key, kv.key) && Bytes.equal(value, kv.value)
                && createRevision == kv.createRevision && modRevision == kv.modRevision && version == kv.version
                && lease == kv.lease;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Bytes.hash(key), Bytes.hash(value), createRevision, modRevision, version, lease);
    }

    @Override
    public String toString() {
        return "VersionedKeyValue[key=" + Bytes.show(key) + ", value=" + Bytes.show(value) + ", create="
                + createRevision + ", mod=" + modRevision + ", version=" + version + ", lease=" + lease + "]";
    }
}
