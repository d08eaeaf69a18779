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
 * @param boot      the machine's current boot (see {@code MachineBoot}; "" if unknown): a log last
 *                  opened in it lost no page cache since, and is not rewritten after an unclean
 *                  close (tests that model a power cut pass another)
 */
public record LogConfig(FsyncPolicy fsync, RollCycle rollCycle, TimeProvider clock, String boot) {

    /** Five-minute files hold up to 2^30 entries each and leave little behind a compaction. */
    public static final RollCycle DEFAULT_ROLL_CYCLE = RollCycles.FIVE_MINUTELY;

    public LogConfig {
        Objects.requireNonNull(fsync, "fsync");
        Objects.requireNonNull(rollCycle, "rollCycle");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(boot, "boot");
    }

    /** In the machine's current boot. */
    public LogConfig(FsyncPolicy fsync, RollCycle rollCycle, TimeProvider clock) {
        this(fsync, rollCycle, clock, MachineBoot.current());
    }

    public static LogConfig defaults(FsyncPolicy fsync) {
        return new LogConfig(fsync, DEFAULT_ROLL_CYCLE, SystemTimeProvider.INSTANCE);
    }

    /** A copy whose files roll every {@code cycle}: short cycles let tests see compaction within seconds. */
    public LogConfig withRollCycle(RollCycle cycle) {
        return new LogConfig(fsync, cycle, clock, boot);
    }

    /** A copy that opens the log as the machine's boot {@code boot}: tests model a power cut's reboot with it. */
    public LogConfig withBoot(String boot) {
        return new LogConfig(fsync, rollCycle, clock, boot);
    }

    /**
     * The roll cycle named {@code name}: a constant of Chronicle's {@code RollCycles} or
     * {@code TestRollCycles} (such as {@code FIVE_MINUTELY} or {@code TEST4_SECONDLY}).
     *
     * @throws IllegalArgumentException naming the choices if there is no such cycle
     */
    public static RollCycle rollCycleNamed(String name) {
        for (RollCycle cycle : RollCycles.values()) {
            if (cycle.toString().equals(name)) {
                return cycle;
            }
        }
        for (RollCycle cycle : net.openhft.chronicle.queue.rollcycles.TestRollCycles.values()) {
            if (cycle.toString().equals(name)) {
                return cycle;
            }
        }
        throw new IllegalArgumentException("no log roll cycle named '" + name + "' (try FIVE_MINUTELY or TEST4_SECONDLY)");
    }
}
