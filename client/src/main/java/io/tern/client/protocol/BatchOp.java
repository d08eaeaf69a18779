package io.tern.client.protocol;

import io.tern.kv.Bytes;
import java.util.Objects;

/**
 * One write inside a {@link Request.Batch}. Arrays are not copied (values may be megabytes): do not
 * change them after handing them over.
 */
public sealed interface BatchOp {

    /** The BATCH kind byte on the wire. */
    int kind();

    /** The key written. */
    byte[] key();

    /** Kind 1: set {@code key} to {@code value}. */
    record Put(byte[] key, byte[] value) implements BatchOp {
        /** The wire kind of a put. */
        public static final int KIND = 1;

        public Put {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }

        @Override
        public int kind() {
            return KIND;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Put p && Bytes.equal(key, p.key) && Bytes.equal(value, p.value);
        }

        @Override
        public int hashCode() {
            return 31 * Bytes.hash(key) + Bytes.hash(value);
        }

        @Override
        public String toString() {
            return "Put[key=" + Bytes.show(key) + ", value=" + Bytes.show(value) + "]";
        }
    }

    /** Kind 2: remove {@code key}. */
    record Delete(byte[] key) implements BatchOp {
        /** The wire kind of a delete. */
        public static final int KIND = 2;

        public Delete {
            Objects.requireNonNull(key, "key");
        }

        @Override
        public int kind() {
            return KIND;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Delete d && Bytes.equal(key, d.key);
        }

        @Override
        public int hashCode() {
            return Bytes.hash(key);
        }

        @Override
        public String toString() {
            return "Delete[key=" + Bytes.show(key) + "]";
        }
    }
}
