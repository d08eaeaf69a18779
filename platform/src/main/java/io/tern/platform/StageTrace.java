package io.tern.platform;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * When a write passed each stage of its way through the members, for the per-stage breakdown of
 * {@code bench/write-stages}. Off unless the environment names a file in {@value #ENVIRONMENT}; then
 * the first {@value #CAPACITY} marks are kept in memory and written there at exit, one
 * {@code STAGE key nanos} line each. The times are {@link System#nanoTime()}, which on Linux is the
 * machine's monotonic clock, so the marks of members on one machine line up with each other.
 *
 * <p>Off, a mark is one read of a constant the JIT folds away; on, it is a counter increment and
 * three array stores, with no allocation and no lock.
 */
public final class StageTrace {

    public static final String ENVIRONMENT = "TERN_STAGE_TRACE";
    static final int CAPACITY = 2_000_000;

    /** In the order a write meets them; the key says which message, member or entry is meant. */
    public enum Stage {
        /** A client's request decoded on its connection's loop. Key 0. */
        CLIENT_DECODED,
        /** A proposal taken up by the Raft loop. Key 0. */
        PROPOSAL_ON_LOOP,
        /** The Raft loop cut a Ready with log entries to write. Key: its last entry's index. */
        READY_WITH_ENTRIES,
        /** The log thread began a Ready's write. Key: its last entry's index. */
        LOG_WRITE_BEGUN,
        /** The log thread synced it. Key: its last entry's index. */
        LOG_SYNCED,
        /** The Raft loop took the written Ready back. Key: its last entry's index. */
        PERSISTED_ON_LOOP,
        /** Committed entries handed to the applier. Key: the last one's index. */
        COMMITTED_TO_APPLIER,
        /** The applier began applying them. Key: the last one's index. */
        APPLY_BEGUN,
        /** The applier applied them, before it completes their proposals. Key: the last one's index. */
        APPLIED,
        /** An answer written to a client's connection, on its loop. Key 0. */
        CLIENT_ANSWERED,
        /** Peer messages (AppendEntries, its success, a follower's ProposeRequest): encoded on the
         * connection's loop just before the socket write (key: the peer it goes to), decoded off the
         * socket and stepped by the Raft loop (key: the peer it came from). */
        APPEND_SENT, APPEND_RECEIVED, APPEND_STEPPED,
        ACK_SENT, ACK_RECEIVED, ACK_STEPPED,
        PROPOSE_SENT, PROPOSE_RECEIVED, PROPOSE_STEPPED
    }

    private static final String FILE = System.getenv(ENVIRONMENT);
    public static final boolean ON = FILE != null && !FILE.isBlank();
    private static final Recorder RECORDER = ON ? new Recorder(CAPACITY) : null;

    static {
        if (ON) {
            try {
                Runtime.getRuntime().addShutdownHook(
                        new Thread(() -> RECORDER.write(Path.of(FILE)), "tern-stage-trace"));
            } catch (IllegalStateException shuttingDown) {
                // First used while the JVM exits: nothing will be written, and marking must still not fail.
            }
        }
    }

    private StageTrace() {
    }

    public static void mark(Stage stage, long key) {
        if (ON) {
            RECORDER.mark(stage, key);
        }
    }

    /** The marks of one process, kept until written. */
    static final class Recorder {
        private final byte[] stages;
        private final long[] keys;
        private final long[] nanos;
        private final AtomicInteger next = new AtomicInteger();
        private final LongAdder dropped = new LongAdder();

        Recorder(int capacity) {
            stages = new byte[capacity];
            keys = new long[capacity];
            nanos = new long[capacity];
        }

        /**
         * Keeps the mark if there is room; later ones are counted and dropped, so a long run keeps its
         * start. The counter stops at the capacity (give or take a mark per thread), so it never wraps.
         */
        void mark(Stage stage, long key) {
            long now = System.nanoTime();
            if (next.get() >= stages.length) {
                dropped.increment();
                return;
            }
            int slot = next.getAndIncrement();
            if (slot < stages.length) {
                stages[slot] = (byte) stage.ordinal();
                keys[slot] = key;
                nanos[slot] = now;
            } else {
                dropped.increment();
            }
        }

        long dropped() {
            return dropped.sum();
        }

        /**
         * Writes the marks, then {@code # dropped N}. A mark another thread is still storing may come out
         * half written; the analysis finds no path through it.
         */
        void write(Path file) {
            int count = Math.min(next.get(), stages.length);
            Stage[] names = Stage.values();
            try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file))) {
                for (int i = 0; i < count; i++) {
                    out.append(names[stages[i]].name()).append(' ').print(keys[i]);
                    out.append(' ').println(nanos[i]);
                }
                out.append("# dropped ").println(dropped());
                if (out.checkError()) {
                    throw new IOException("a write failed (is the disk full?)");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not write the stage trace to " + file, e);
            }
        }
    }
}
