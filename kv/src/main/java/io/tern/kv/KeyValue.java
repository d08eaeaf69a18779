package io.tern.kv;

import java.util.Objects;

/**
 * One key and its value, as the store returns it from a scan and the wire carries it to a client.
 * Arrays compare by content and are not copied.
 */
public record KeyValue(byte[] key, byte[] value) {

    public KeyValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyValue kv && Bytes.equal(key, kv.key) && Bytes.equal(value, kv.value);
    }

    @Override
    public int hashCode() {
        return 31 * Bytes.hash(key) + Bytes.hash(value);
    }

    @Override
    public String toString() {
        return "KeyValue[key=" + Bytes.show(key) + ", value=" + Bytes.show(value) + "]";
    }
}
