package io.tern.verify.checker;

import io.tern.verify.history.Values;
import java.util.Arrays;
import java.util.List;

/** The values of a fixed, small list of keys ({@code null}: absent); immutable. */
public final class KeyValueState {

    private final String[] values;
    private final int hash;

    private KeyValueState(String[] values) {
        this.values = values;
        this.hash = Arrays.hashCode(values);
    }

    static KeyValueState allAbsent(int keys) {
        return new KeyValueState(new String[keys]);
    }

    String get(int key) {
        return values[key];
    }

    KeyValueState with(int key, String value) {
        if (java.util.Objects.equals(values[key], value)) {
            return this;
        }
        String[] changed = values.clone();
        changed[key] = value;
        return new KeyValueState(changed);
    }

    String describe(List<String> keys) {
        StringBuilder text = new StringBuilder("{");
        for (int i = 0; i < values.length; i++) {
            text.append(i == 0 ? "" : ", ").append(keys.get(i)).append('=').append(Values.show(values[i]));
        }
        return text.append('}').toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KeyValueState state && hash == state.hash && Arrays.equals(values, state.values);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return Arrays.toString(values);
    }
}
