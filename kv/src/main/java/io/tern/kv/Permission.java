package io.tern.kv;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a role may do on a set of keys, as etcd's {@code authpb.Permission}: READ, WRITE or READWRITE on
 * a {@link KeyRange} (one key, {@code [key, end)}, every key from {@code key} on, or a prefix written as
 * its range, {@link KeyRange#prefix}).
 */
public record Permission(Type type, KeyRange range) {

    /** etcd's {@code Permission.Type}; codes are wire and state format. */
    public enum Type {
        READ(0),
        WRITE(1),
        READWRITE(2);

        private final int code;

        Type(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        /** The type with this code, or {@code null} if there is none. */
        public static Type fromCode(int code) {
            for (Type type : values()) {
                if (type.code == code) {
                    return type;
                }
            }
            return null;
        }

        /** Whether this type allows {@code wanted} (READ or WRITE). */
        public boolean allows(Type wanted) {
            return this == READWRITE || this == wanted;
        }
    }

    public Permission {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(range, "range");
    }

    /** Whether this permission allows {@code wanted} on every key of {@code requested}. */
    public boolean allows(Type wanted, KeyRange requested) {
        return type.allows(wanted) && covers(range, requested);
    }

    /** Whether every key of {@code inner} lies in {@code outer}. */
    public static boolean covers(KeyRange outer, KeyRange inner) {
        if (Arrays.compareUnsigned(outer.start(), inner.start()) > 0) {
            return false;
        }
        byte[] outerEnd = outer.endExclusive();
        if (outerEnd.length == 0) {
            return true;
        }
        byte[] innerEnd = inner.endExclusive();
        return innerEnd.length > 0 && Arrays.compareUnsigned(innerEnd, outerEnd) <= 0;
    }

    @Override
    public String toString() {
        return type + " on " + describe(range);
    }

    /** How a refusal names a range: {@code key 'foo'}, {@code range ['a', 'b')}, {@code keys from 'a'}. */
    public static String describe(KeyRange range) {
        if (range.isSingleKey()) {
            return "key '" + text(range.key()) + "'";
        }
        if (range.isOpenEnded()) {
            return range.start().length == 0 ? "every key" : "keys from '" + text(range.start()) + "'";
        }
        return "range ['" + text(range.start()) + "', '" + text(range.rangeEnd()) + "')";
    }

    /** Printable ASCII as itself, anything else as hex: a refusal message stays one readable line. */
    private static String text(byte[] key) {
        for (byte b : key) {
            if (b < 0x20 || b > 0x7e) {
                return Bytes.show(key);
            }
        }
        return new String(key, java.nio.charset.StandardCharsets.US_ASCII);
    }
}
