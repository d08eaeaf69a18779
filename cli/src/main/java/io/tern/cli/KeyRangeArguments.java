package io.tern.cli;

import io.tern.kv.KeyRange;

/** How etcdctl's KEY, RANGE_END, {@code --prefix} and {@code --from-key} name keys, for get and del alike. */
final class KeyRangeArguments {

    private KeyRangeArguments() {
    }

    /**
     * The keys named by {@code key} and {@code end} ({@code null} when none was given) under the flags.
     *
     * @throws IllegalArgumentException with a one-line message when they do not fit together
     */
    static KeyRange range(String key, String end, boolean prefix, boolean fromKey) {
        if (prefix && fromKey) {
            throw new IllegalArgumentException("--prefix and --from-key exclude each other");
        }
        if (end != null && (prefix || fromKey)) {
            throw new IllegalArgumentException("a RANGE_END cannot go with " + (prefix ? "--prefix" : "--from-key"));
        }
        byte[] start = Values.utf8(key);
        if (prefix) {
            return KeyRange.prefix(start);
        }
        if (fromKey) {
            return new KeyRange(start.length == 0 ? KeyRange.TO_THE_END : start, KeyRange.TO_THE_END);
        }
        return end != null ? new KeyRange(start, Values.utf8(end)) : KeyRange.single(start);
    }
}
