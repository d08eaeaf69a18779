package io.tern.verify.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A process's scheduler state as Linux reports it in {@code /proc/PID/stat}. */
final class ProcessStates {

    private ProcessStates() {
    }

    /** Whether process {@code pid} is stopped by a signal (state {@code T}). */
    static boolean isStopped(long pid) {
        return state(pid) == 'T';
    }

    /** Whether {@code /proc} cannot tell (not Linux, or the process is gone). */
    static boolean unknown(long pid) {
        return state(pid) == '?';
    }

    /** The state letter, or {@code '?'} when it cannot be read. */
    static char state(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
            // "pid (comm) S ...": comm may hold spaces and parentheses, so read after the last ')'.
            int close = stat.lastIndexOf(')');
            return close >= 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
        } catch (IOException | RuntimeException e) {
            return '?';
        }
    }
}
