package io.tern.verify.checker;

import io.tern.verify.history.Values;

/** The state of one key: its value, or {@code null} while it is absent. */
public record Register(String value) {

    public static final Register ABSENT = new Register(null);

    @Override
    public String toString() {
        return Values.show(value);
    }
}
