package io.tern.engine.log;

import io.tern.engine.FsyncPolicy;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;

import java.util.Objects;

/**
 * How a {@link ChronicleRaftLog} is opened.
 *
 * @param fsync     what {@link RaftLog#sync()} does
 * @param rollCycle how often Chronicle starts a new file; compaction deletes whole files, so a short
 *                  cycle bounds the disk that compaction cannot yet free
 * @param clock     Chronicle's clock, which decides when files roll (tests pass a settable one)
 */
public record LogOptions(FsyncPolicy fsync, RollCycle rollCycle, TimeProvider clock) {

    /** Five-minute files hold up to 2^30 entries each and leave little behind a compaction. */
    public static final RollCycle DEFAULT_ROLL_CYCLE = RollCycles.FIVE_MINUTELY;

    public LogOptions {
        Objects.requireNonNull(fsync, "fsync");
        Objects.requireNonNull(rollCycle, "rollCycle");
        Objects.requireNonNull(clock, "clock");
    }

    public static LogOptions defaults(FsyncPolicy fsync) {
        return new LogOptions(fsync, DEFAULT_ROLL_CYCLE, SystemTimeProvider.INSTANCE);
    }
}
