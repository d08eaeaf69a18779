package io.tern.raft.types;

import java.util.Arrays;
import java.util.Objects;

/**
 * One Raft log entry. The payload is owned by the entry: callers must not change the array after
 * handing it in.
 */
public record LogEntry(long index, long term, EntryKind kind, byte[] payload) {

    private static final byte[] EMPTY = new byte[0];

    public LogEntry {
        if (index < 1) {
            throw new IllegalArgumentException("log index must be positive, was " + index);
        }
        if (term < 0) {
            throw new IllegalArgumentException("term must not be negative, was " + term);
        }
        Objects.requireNonNull(kind, "kind");
        payload = payload == null ? EMPTY : payload;
    }

    public static LogEntry noop(long index, long term) {
        return new LogEntry(index, term, EntryKind.NOOP, EMPTY);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LogEntry that
                && index == that.index && term == that.term && kind == that.kind
                && Arrays.equals(payload, that.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, term, kind, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "LogEntry[index=" + index + ", term=" + term + ", kind=" + kind + ", payload=" + payload.length + " bytes]";
    }
}
