package io.tern.kv;

import java.util.Objects;

/**
 * One condition of a {@link TxnRequest}, as etcd's {@code Compare}: every key of {@code range} must
 * satisfy it (a single key that does not exist has version, create and mod revision and lease 0, and
 * fails every VALUE comparison).
 *
 * @param number what VERSION, CREATE, MOD and LEASE compare against
 * @param value what VALUE compares against (unsigned byte order); empty for the other targets
 */
public record Compare(KeyRange range, Target target, Result result, long number, byte[] value) {

    /** The codes are etcd's {@code Compare.CompareTarget}. */
    public enum Target {
        VERSION(0), CREATE(1), MOD(2), VALUE(3), LEASE(4);

        private final int code;

        Target(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        public static Target fromCode(int code) {
            for (Target target : values()) {
                if (target.code == code) {
                    return target;
                }
            }
            return null;
        }
    }

    /** The codes are etcd's {@code Compare.CompareResult}. */
    public enum Result {
        EQUAL(0), GREATER(1), LESS(2), NOT_EQUAL(3);

        private final int code;

        Result(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        public static Result fromCode(int code) {
            for (Result result : values()) {
                if (result.code == code) {
                    return result;
                }
            }
            return null;
        }

        /** Whether a comparison that came out {@code comparison} (negative, 0, positive) satisfies this. */
        public boolean holds(int comparison) {
            return switch (this) {
                case EQUAL -> comparison == 0;
                case NOT_EQUAL -> comparison != 0;
                case GREATER -> comparison > 0;
                case LESS -> comparison < 0;
            };
        }
    }

    public Compare {
        Objects.requireNonNull(range, "range");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(value, "value");
    }

    public static Compare value(byte[] key, Result result, byte[] value) {
        return new Compare(KeyRange.single(key), Target.VALUE, result, 0, value);
    }

    public static Compare version(byte[] key, Result result, long version) {
        return new Compare(KeyRange.single(key), Target.VERSION, result, version, Bytes.EMPTY);
    }

    public static Compare createRevision(byte[] key, Result result, long revision) {
        return new Compare(KeyRange.single(key), Target.CREATE, result, revision, Bytes.EMPTY);
    }

    public static Compare modRevision(byte[] key, Result result, long revision) {
        return new Compare(KeyRange.single(key), Target.MOD, result, revision, Bytes.EMPTY);
    }

    public static Compare lease(byte[] key, Result result, long lease) {
        return new Compare(KeyRange.single(key), Target.LEASE, result, lease, Bytes.EMPTY);
    }

    /** Whether {@code kv} (the key as stored, or {@code null} if it does not exist) satisfies this. */
    public boolean holdsFor(VersionedKeyValue kv) {
        if (target == Target.VALUE) {
            return kv != null && result.holds(java.util.Arrays.compareUnsigned(kv.value(), value));
        }
        long actual = kv == null ? 0 : switch (target) {
            case VERSION -> kv.version();
            case CREATE -> kv.createRevision();
            case MOD -> kv.modRevision();
            case LEASE -> kv.lease();
            case VALUE -> throw new AssertionError();
        };
        return result.holds(Long.compare(actual, number));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Compare c && range.equals(c.range) && target == c.target && result == c.result
                && number == c.number && Bytes.equal(value, c.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(range, target, result, number, Bytes.hash(value));
    }

    @Override
    public String toString() {
        return "Compare[" + range + " " + target + " " + result + " "
                + (target == Target.VALUE ? Bytes.show(value) : Long.toString(number)) + "]";
    }
}
