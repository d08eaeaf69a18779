package io.tern.verify.checker;

import java.util.Objects;

/**
 * What an operation saw of, or left in, one key: a value ({@code null}: absent), or, for an
 * observation only, "some value" ({@code anyValue}), which is what a DELETE that found the key
 * there tells.
 */
record Fact(String key, String value, boolean anyValue) {

    static Fact exactly(String key, String value) {
        return new Fact(key, value, false);
    }

    static Fact present(String key) {
        return new Fact(key, null, true);
    }

    /** Whether this observation could have been made of the state that {@code written} left. */
    boolean isExplainedBy(Fact written) {
        return key.equals(written.key) && (anyValue ? written.value != null : Objects.equals(value, written.value));
    }
}
