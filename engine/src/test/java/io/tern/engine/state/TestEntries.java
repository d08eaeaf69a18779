package io.tern.engine.state;

import io.tern.raft.types.Membership;
import io.tern.raft.types.EntryKind;
import io.tern.raft.types.LogEntry;

import java.nio.charset.StandardCharsets;

/** Builds log entries and byte strings for the state tests. */
final class TestEntries {

    static final long TERM = 1;

    private TestEntries() {
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    static LogEntry command(long index, Command command) {
        return command(index, TERM, command);
    }

    static LogEntry command(long index, long term, Command command) {
        return new LogEntry(index, term, EntryKind.COMMAND, command.encode());
    }

    static LogEntry put(long index, String key, String value) {
        return put(index, TERM, key, value);
    }

    static LogEntry put(long index, long term, String key, String value) {
        return command(index, term, new Command.Put(bytes(key), bytes(value)));
    }

    static LogEntry delete(long index, String key) {
        return command(index, new Command.Delete(bytes(key)));
    }

    static LogEntry config(long index, long term, Membership membership) {
        return new LogEntry(index, term, EntryKind.CONFIG, membership.encode());
    }
}
