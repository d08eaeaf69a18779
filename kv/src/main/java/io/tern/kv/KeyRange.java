package io.tern.kv;

import java.util.Arrays;
import java.util.Objects;

/**
 * The keys a request names, as etcd names them with {@code key} and {@code range_end}: an empty end
 * names the one key; {@code "\0"} names every key from {@code key} on; any other end is exclusive.
 * A key of {@code "\0"} with an end of {@code "\0"} names every key.
 */
public record KeyRange(byte[] key, byte[] rangeEnd) {

    /** The {@code range_end} that means "no upper bound". */
    public static final byte[] TO_THE_END = {0};

    public KeyRange {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(rangeEnd, "rangeEnd");
    }

    public static KeyRange single(byte[] key) {
        return new KeyRange(key, Bytes.EMPTY);
    }

    /** Every key that starts with {@code prefix}; an empty prefix names every key. */
    public static KeyRange prefix(byte[] prefix) {
        return new KeyRange(prefix.length == 0 ? TO_THE_END : prefix, prefixEnd(prefix));
    }

    /** Every key. */
    public static KeyRange all() {
        return new KeyRange(TO_THE_END, TO_THE_END);
    }

    /**
     * The smallest key greater than every key starting with {@code prefix}, as etcd's
     * {@code GetPrefixRangeEnd}: the prefix with its last byte below 0xff incremented and what follows
     * dropped; {@link #TO_THE_END} when there is none (empty or all 0xff).
     */
    public static byte[] prefixEnd(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xff) {
                byte[] end = Arrays.copyOf(prefix, i + 1);
                end[i]++;
                return end;
            }
        }
        return TO_THE_END.clone();
    }

    public boolean isSingleKey() {
        return rangeEnd.length == 0;
    }

    /** Whether the range has no upper bound. */
    public boolean isOpenEnded() {
        return Arrays.equals(rangeEnd, TO_THE_END);
    }

    /** The first key of the range (inclusive); {@code "\0"} as a start means the empty key. */
    public byte[] start() {
        return isOpenEnded() && Arrays.equals(key, TO_THE_END) ? Bytes.EMPTY : key;
    }

    /** The exclusive end, empty when there is none. For a single key, the key followed by a zero byte. */
    public byte[] endExclusive() {
        if (isSingleKey()) {
            return Arrays.copyOf(key, key.length + 1);
        }
        return isOpenEnded() ? Bytes.EMPTY : rangeEnd;
    }

    /** Whether {@code candidate} is in the range. */
    public boolean contains(byte[] candidate) {
        if (isSingleKey()) {
            return Arrays.equals(key, candidate);
        }
        if (Arrays.compareUnsigned(candidate, start()) < 0) {
            return false;
        }
        return isOpenEnded() || Arrays.compareUnsigned(candidate, rangeEnd) < 0;
    }

    /** Whether no key can be in the range (an end at or below the start). */
    public boolean isEmpty() {
        return !isSingleKey() && !isOpenEnded() && Arrays.compareUnsigned(rangeEnd, start()) <= 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyRange r && Bytes.equal(key, r.key) && Bytes.equal(rangeEnd, r.rangeEnd);
    }

    @Override
    public int hashCode() {
        return 31 * Bytes.hash(key) + Bytes.hash(rangeEnd);
    }

    @Override
    public String toString() {
        return "KeyRange[key=" + Bytes.show(key) + ", rangeEnd=" + Bytes.show(rangeEnd) + "]";
    }
}
