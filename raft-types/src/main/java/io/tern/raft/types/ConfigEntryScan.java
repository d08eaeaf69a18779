package io.tern.raft.types;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the CONFIG entries of a stretch of log by reading every entry in it, a megabyte of payloads
 * at a time: what a log that keeps no index of its CONFIG entries does when a Raft core starts.
 */
public final class ConfigEntryScan {

    /** Reads entries as {@link LogStorage#entries(long, long, long)} does. */
    @FunctionalInterface
    public interface EntryReader {
        List<LogEntry> entries(long fromIndex, long toIndex, long maxBytes);
    }

    private static final long BATCH_BYTES = 1 << 20;

    private ConfigEntryScan() {
    }

    /** The CONFIG entries from {@code fromIndex} to {@code lastIndex}, both inclusive, oldest first. */
    public static List<LogEntry> configEntries(EntryReader log, long fromIndex, long lastIndex) {
        List<LogEntry> configs = new ArrayList<>();
        long next = fromIndex;
        while (next <= lastIndex) {
            List<LogEntry> batch = log.entries(next, lastIndex + 1, BATCH_BYTES);
            for (LogEntry entry : batch) {
                if (entry.kind() == EntryKind.CONFIG) {
                    configs.add(entry);
                }
            }
            next += batch.size();
        }
        return configs;
    }
}
