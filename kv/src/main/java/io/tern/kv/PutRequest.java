package io.tern.kv;

import java.util.Objects;

/**
 * Sets a key, as etcd's {@code PutRequest}.
 *
 * @param lease the lease to attach the key to, 0 for none (a put without a lease detaches it)
 * @param prevKv answer with the key as it was before
 * @param ignoreValue keep the current value (the key must exist)
 * @param ignoreLease keep the current lease (the key must exist)
 */
public record PutRequest(byte[] key, byte[] value, long lease, boolean prevKv, boolean ignoreValue,
                         boolean ignoreLease) implements KvOp {

    public PutRequest {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    public static PutRequest of(byte[] key, byte[] value) {
        return new PutRequest(key, value, 0, false, false, false);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PutRequest p && Bytes.equal(key, p.key) && Bytes.equal(value, p.value)
                && lease == p.lease && prevKv == p.prevKv && ignoreValue == p.ignoreValue
                && ignoreLease == p.ignoreLease;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Bytes.hash(key), Bytes.hash(value), lease, prevKv, ignoreValue, ignoreLease);
    }

    @Override
    public String toString() {
        return "PutRequest[key=" + Bytes.show(key) + ", value=" + Bytes.show(value) + ", lease=" + lease
                + ", prevKv=" + prevKv + ", ignoreValue=" + ignoreValue + ", ignoreLease=" + ignoreLease + "]";
    }
}
