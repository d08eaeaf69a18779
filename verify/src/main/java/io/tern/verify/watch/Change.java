package io.tern.verify.watch;

import java.util.Objects;

/**
 * One change of one key at one revision: what a write did, or what a watch said it did. Keys and
 * values are text, as everywhere in the verifier; a delete has no value.
 */
public record Change(String key, long revision, Kind kind, String value) {

    public enum Kind { PUT, DELETE }

    public Change {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.PUT) != (value != null)) {
            throw new IllegalArgumentException("a put has a value and a delete has none: " + kind + " " + value);
        }
    }

    public static Change put(String key, long revision, String value) {
        return new Change(key, revision, Kind.PUT, value);
    }

    public static Change delete(String key, long revision) {
        return new Change(key, revision, Kind.DELETE, null);
    }

    /** A short human form, such as {@code PUT k1=v3 @17}. */
    public String describe() {
        return kind == Kind.PUT ? "PUT " + key + "=" + value + " @" + revision : "DELETE " + key + " @" + revision;
    }
}
