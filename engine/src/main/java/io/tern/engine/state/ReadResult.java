package io.tern.engine.state;

import io.tern.kv.Bytes;
import java.util.Arrays;

/**
 * The value of one key and the applied index the read observed, both from the same snapshot.
 *
 * @param revision the applied index of the state that was read
 * @param value the key's value, or {@code null} if it is absent
 */
public record ReadResult(long revision, byte[] value) {

    public boolean found() {
        return value != null;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ReadResult that && revision == that.revision && Arrays.equals(value, that.value);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(revision) + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "ReadResult[revision=" + revision + ", value=" + Bytes.show(value) + "]";
    }
}
