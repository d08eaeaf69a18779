package io.tern.engine.state;

import io.tern.kv.Bytes;
import io.tern.kv.KvOpResponse;
import java.util.Objects;
import java.util.Arrays;

/**
 * What applying one log entry produced. A pure function of the state before the entry and the
 * entry itself, so every replica computes the same result. The revision of the result is the index
 * of its entry, which the caller already knows.
 */
public sealed interface CommandResult
        permits CommandResult.Written, CommandResult.Deleted, CommandResult.CasMismatch, CommandResult.NoResult,
        CommandResult.Kv, CommandResult.LeaseGranted, CommandResult.Refused {

    /** A put, a batch, or a compare-and-set whose expectation held (including one that deleted). */
    record Written() implements CommandResult {
    }

    /** A delete; {@code existed} tells whether the key was present before it. */
    record Deleted(boolean existed) implements CommandResult {
    }

    /**
     * A compare-and-set whose expectation did not hold; nothing was written.
     *
     * @param current the value the key holds, or {@code null} if it is absent
     */
    record CasMismatch(byte[] current) implements CommandResult {
        @Override
        public boolean equals(Object other) {
            return other instanceof CasMismatch that && Arrays.equals(current, that.current);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(current);
        }

        @Override
        public String toString() {
            return "CasMismatch[current=" + Bytes.show(current) + "]";
        }
    }

    /** A NOOP or CONFIG entry: it carried no client command, only advanced the applied index. */
    record NoResult() implements CommandResult {
    }

    /** What a {@link Command.Kv} did: the answer of its put, delete range or transaction. */
    record Kv(KvOpResponse response) implements CommandResult {
    }

    /** A {@link Command.LeaseGrant} that created its lease. */
    record LeaseGranted(long id, long ttlSeconds) implements CommandResult {
    }

    /**
     * A command that changed nothing because the state did not allow it. Decided at apply, so every
     * member refuses alike.
     *
     * @param revision for {@link Refusal#COMPACTED} the compaction revision, for
     *     {@link Refusal#FUTURE_REVISION} the current revision, otherwise 0
     * @param message etcd's words for it (what etcd clients match on), for example
     *     {@code "etcdserver: requested lease not found"}
     */
    record Refused(Refusal refusal, long revision, String message) implements CommandResult {
        public Refused {
            Objects.requireNonNull(refusal, "refusal");
            Objects.requireNonNull(message, "message");
        }
    }

    /** Why a command was {@link Refused}. */
    enum Refusal {
        /** A put or grant named a lease that does not exist, or a revoke one that no longer does. */
        LEASE_NOT_FOUND,
        /** A grant named an id already in use. */
        LEASE_EXISTS,
        /** A put with ignore_value or ignore_lease on a key that does not exist. */
        KEY_NOT_FOUND,
        /** A compaction, or a range in a transaction, at or below the compaction revision. */
        COMPACTED,
        /** A compaction, or a range in a transaction, above the current revision. */
        FUTURE_REVISION,
        /** A user's command that the auth state at its position does not allow; the message names what is missing. */
        PERMISSION_DENIED,
        /** An auth change the auth state does not allow (a user that exists, a role not found...). */
        AUTH_REFUSED
    }
}
