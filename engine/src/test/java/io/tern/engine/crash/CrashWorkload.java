package io.tern.engine.crash;

import io.tern.raft.types.EntryKind;
import io.tern.raft.types.LogEntry;
import io.tern.engine.state.Command;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The content the crash worker writes, a pure function of (index, term), so the test can check any
 * entry or value it finds after a crash without having been told about it: entry {@code i} puts key
 * {@code k(i mod KEYS)} to a value naming {@code i} and its term, padded with bytes drawn from both.
 */
final class CrashWorkload {
    static final int KEYS = 500;

    private CrashWorkload() {
    }

    static byte[] key(long index) {
        return ("k" + (index % KEYS)).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] value(long index, long term) {
        byte[] head = ("i=" + index + " t=" + term + " ").getBytes(StandardCharsets.UTF_8);
        SplittableRandom random = new SplittableRandom(index * 1_000_003L + term);
        int padding = index % 101 == 0 ? 64 * 1024 : random.nextInt(200);
        byte[] value = Arrays.copyOf(head, head.length + padding);
        for (int i = head.length; i < value.length; i++) {
            value[i] = (byte) random.nextInt(256);
        }
        return value;
    }

    static LogEntry entry(long index, long term) {
        return new LogEntry(index, term, EntryKind.COMMAND, new Command.Put(key(index), value(index, term)).encode());
    }

    /** The index of the newest write to {@code key} at or below {@code applied}, or 0 if none. */
    static long newestWriteOf(int key, long applied) {
        if (applied < 1) {
            return 0;
        }
        long candidate = applied - Math.floorMod(applied - key, KEYS);
        return candidate >= 1 ? candidate : 0;
    }

    /** Reads back the (index, term) a value names, or null if it is not a value this workload wrote. */
    static long[] indexAndTermOf(byte[] value) {
        String text = new String(value, 0, Math.min(value.length, 48), StandardCharsets.ISO_8859_1);
        if (!text.startsWith("i=")) {
            return null;
        }
        String[] parts = text.split(" ", 3);
        try {
            return new long[]{Long.parseLong(parts[0].substring(2)), Long.parseLong(parts[1].substring(2))};
        } catch (RuntimeException e) {
            return null;
        }
    }
}
