package io.tern.engine.state;

import io.tern.engine.auth.AuthChange;
import io.tern.kv.Bytes;
import io.tern.kv.KvOp;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What a client asks the replicated state to do: the payload of a {@code COMMAND} log entry.
 *
 * <p>Byte arrays are owned by the command once handed in (they are not copied, because values may
 * be megabytes): callers must not change them afterwards. Equality is by content.
 *
 * <p>The binary form ({@link #encode()}, {@link #decode(byte[])}) is stored in the Raft log, so it is
 * versioned and never changes meaning; see {@link CommandCodec} for the layout.
 */
public sealed interface Command permits Command.Put, Command.Delete, Command.CompareAndSet, Command.Batch,
        Command.SetAlarm, Command.Kv, Command.Compact, Command.LeaseGrant, Command.LeaseRevoke, Command.Auth, Command.AsUser {

    /** The binary form stored in the log. */
    default byte[] encode() {
        return CommandCodec.encode(this);
    }

    /** The length of {@link #encode()}'s result, computed without encoding: the size of its log entry's payload. */
    default long encodedSize() {
        return CommandCodec.encodedSize(this);
    }

    /**
     * Reads a command written by {@link #encode()}.
     *
     * @throws IllegalArgumentException if the bytes are not a whole, well-formed command of a known
     *     encoding version (the message says what is wrong and where)
     */
    static Command decode(byte[] encoded) {
        return CommandCodec.decode(encoded);
    }

    /** One step of a {@link Batch}: a put or a delete. */
    sealed interface BatchOp permits Put, Delete {
        byte[] key();
    }

    /** Sets {@code key} to {@code value}. */
    record Put(byte[] key, byte[] value) implements Command, BatchOp {
        public Put {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Put that && Arrays.equals(key, that.key) && Arrays.equals(value, that.value);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(key) + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Put[key=" + Bytes.show(key) + ", value=" + Bytes.show(value) + "]";
        }
    }

    /** Removes {@code key}; removing an absent key is not an error. */
    record Delete(byte[] key) implements Command, BatchOp {
        public Delete {
            Objects.requireNonNull(key, "key");
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Delete that && Arrays.equals(key, that.key);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(key);
        }

        @Override
        public String toString() {
            return "Delete[key=" + Bytes.show(key) + "]";
        }
    }

    /**
     * Writes {@code newValue} to {@code key} only if the key currently holds {@code expected}.
     *
     * @param expected the value the key must hold, or {@code null} if the key must be absent
     * @param newValue the value to write, or {@code null} to delete the key
     */
    record CompareAndSet(byte[] key, byte[] expected, byte[] newValue) implements Command {
        public CompareAndSet {
            Objects.requireNonNull(key, "key");
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof CompareAndSet that && Arrays.equals(key, that.key)
                    && Arrays.equals(expected, that.expected) && Arrays.equals(newValue, that.newValue);
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(key), Arrays.hashCode(expected), Arrays.hashCode(newValue));
        }

        @Override
        public String toString() {
            return "CompareAndSet[key=" + Bytes.show(key) + ", expected=" + Bytes.show(expected)
                    + ", newValue=" + Bytes.show(newValue) + "]";
        }
    }

    /** Puts and deletes applied in order and atomically: all of them or none. */
    record Batch(List<BatchOp> ops) implements Command {
        public Batch {
            ops = List.copyOf(ops);
        }
    }

    /**
     * Raises ({@code active}) or clears an {@link Alarm} about {@code memberId}. Clearing an alarm
     * that is not raised changes nothing.
     *
     * @param detail what the member said when it raised the alarm (empty when clearing)
     */
    record SetAlarm(long memberId, Alarm.Type type, boolean active, String detail) implements Command {
        public SetAlarm {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /**
     * A key operation of etcd's data model (a put with its options, a delete of a range, a
     * transaction; a range read inside a transaction). Applied at the entry's index as revision.
     */
    record Kv(KvOp op) implements Command {
        public Kv {
            Objects.requireNonNull(op, "op");
        }
    }

    /**
     * Drops the history below {@code revision}: reads and watches below it are refused from then on.
     * Refused when at or below the current compaction revision or above the current revision.
     */
    record Compact(long revision) implements Command {
    }

    /**
     * Creates lease {@code id} with a time to live of {@code ttlSeconds}. The proposer picks the id
     * (a random one when the client gave none), so that every member applies the same.
     */
    record LeaseGrant(long id, long ttlSeconds) implements Command {
    }

    /** Ends lease {@code id}, deleting every key attached to it at one revision: a client's revoke or an expiry. */
    record LeaseRevoke(long id) implements Command {
    }

    /** A change to the auth state (users, roles, permissions, enabled); refused at apply with etcd's words. */
    record Auth(AuthChange change) implements Command {
        public Auth {
            Objects.requireNonNull(change, "change");
        }
    }

    /**
     * {@code command} made by {@code user}: while authentication is on, applied only if the auth state
     * at its own log position lets the user make it (else refused, nothing written, on every member
     * alike), so a permission revoked or a user deleted before it in the log is honoured. An empty
     * user is a caller that had no identity.
     */
    record AsUser(String user, Command command) implements Command {
        public AsUser {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(command, "command");
            if (command instanceof AsUser) {
                throw new IllegalArgumentException("a command is made by one user");
            }
        }
    }
}
