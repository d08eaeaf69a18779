package io.tern.engine.state;

import java.util.Arrays;
import java.util.Objects;

/** One pair of a scan. Equality is by content. */
public record KeyValue(byte[] key, byte[] value) {

    public KeyValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KeyValue that && Arrays.equals(key, that.key) && Arrays.equals(value, that.value);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(key) + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "KeyValue[key=" + Bytes.describe(key) + ", value=" + Bytes.describe(value) + "]";
    }
}
