package io.tern.verify.history;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * How a call ended, as far as the client could tell. Three cases matter to a checker: the call
 * took effect and the client saw its result ({@link Ok}); the call certainly did not take effect
 * ({@link Failed}); nobody knows ({@link Unknown}).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Outcome.Written.class, name = "written"),
    @JsonSubTypes.Type(value = Outcome.ValueRead.class, name = "read"),
    @JsonSubTypes.Type(value = Outcome.Deleted.class, name = "deleted"),
    @JsonSubTypes.Type(value = Outcome.CasMismatch.class, name = "casMismatch"),
    @JsonSubTypes.Type(value = Outcome.GuardsFailed.class, name = "guardsFailed"),
    @JsonSubTypes.Type(value = Outcome.Failed.class, name = "failed"),
    @JsonSubTypes.Type(value = Outcome.Unknown.class, name = "unknown"),
})
public sealed interface Outcome {

    /** A short human form, such as {@code ok} or {@code read v3}. */
    String describe();

    /** The call took effect (or, for a GET or a mismatched CAS, was answered) with this result. */
    sealed interface Ok extends Outcome {
    }

    /**
     * A PUT, BATCH or successful CAS was applied. Also allowed for a DELETE whose {@code existed}
     * flag the recorder did not keep: then the checker does not judge it.
     */
    record Written() implements Ok {
        @Override
        public String describe() {
            return "ok";
        }
    }

    /** A GET answered: {@code value == null} when the key was absent (NOT_FOUND). */
    record ValueRead(String value) implements Ok {
        @Override
        public String describe() {
            return "read " + Values.show(value);
        }
    }

    /** A DELETE applied; {@code existed} tells whether the key was there just before. */
    record Deleted(boolean existed) implements Ok {
        @Override
        public String describe() {
            return existed ? "ok (existed)" : "ok (was absent)";
        }
    }

    /** A CAS that wrote nothing because the key held {@code current} ({@code null}: absent). */
    record CasMismatch(String current) implements Ok {
        @Override
        public String describe() {
            return "mismatch, current " + Values.show(current);
        }
    }

    /**
     * A txn whose guards did not all hold: it wrote nothing and read its guarded keys.
     *
     * @param found each guarded key's value, {@code null} where it was absent
     */
    record GuardsFailed(java.util.Map<String, String> found) implements Ok {
        public GuardsFailed {
            found = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(found));
        }

        @Override
        public String describe() {
            StringBuilder text = new StringBuilder("guards failed, found");
            found.forEach((key, value) -> text.append(' ').append(key).append('=').append(Values.show(value)));
            return text.toString();
        }
    }

    /**
     * The call certainly did not take effect (UNAVAILABLE, NOT_LEADER, BAD_REQUEST, TOO_LARGE...).
     * The checker ignores such operations.
     */
    record Failed(String reason) implements Outcome {
        @Override
        public String describe() {
            return "failed (" + reason + ")";
        }
    }

    /**
     * Nobody knows whether the call took effect (TIMEOUT, a lost connection, no answer). The
     * operation stays open forever: it may take effect at any time after its invocation, or never.
     */
    record Unknown(String reason) implements Outcome {
        @Override
        public String describe() {
            return "unknown (" + reason + ")";
        }
    }
}
