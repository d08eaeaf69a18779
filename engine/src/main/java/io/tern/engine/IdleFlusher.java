package io.tern.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Flushes the applied state once applying pauses. No write syncs the state's WAL (the Raft log holds
 * every write), so what only its memtables and WAL hold is durable against a killed process but not a
 * power cut, and an open after a crash reads that WAL back and flushes it, up to a memtable's worth.
 * After a pause, both are nothing: a power cut loses no applied write that the log would have to
 * replay, and a restart opens the state at once. While writes go on it leaves flushing to RocksDB,
 * which flushes each memtable as it fills: flushing every 10,000 entries cost a fifth of the write
 * throughput.
 */
final class IdleFlusher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IdleFlusher.class);

    private final LongSupplier appliedIndex;
    private final LongSupplier durableIndex;
    private final Runnable flush;
    private ScheduledExecutorService timer;
    /** The applied index at the previous look, or -1 before the first. */
    private long appliedAtLastLook = -1;
    /** The applied index a flush last failed at: not tried again until more is applied. */
    private long failedAt = -1;

    /**
     * @param appliedIndex how far the state has applied
     * @param durableIndex how far the state is on disk
     * @param flush        writes the state's memtables to disk, while applying may go on
     */
    IdleFlusher(LongSupplier appliedIndex, LongSupplier durableIndex, Runnable flush) {
        this.appliedIndex = appliedIndex;
        this.durableIndex = durableIndex;
        this.flush = flush;
    }

    /** Looks every {@code interval} on a thread of its own, until closed: a pause is one interval without an apply. */
    IdleFlusher start(Duration interval, String threadName) {
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name(threadName).daemon().factory());
        timer.scheduleWithFixedDelay(this::lookQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** One look: flushes if nothing was applied since the previous look and not all that was applied is on disk. */
    void look() {
        long applied = appliedIndex.getAsLong();
        boolean paused = applied == appliedAtLastLook;
        appliedAtLastLook = applied;
        if (paused && applied > durableIndex.getAsLong() && applied != failedAt) {
            try {
                flush.run();
            } catch (RuntimeException e) {
                failedAt = applied;
                throw e;
            }
        }
    }

    /** {@link #look()} for the timer: a failure is logged once per applied index, and the timer goes on. */
    void lookQuietly() {
        try {
            look();
        } catch (RuntimeException e) {
            // The state stays correct unflushed (a power cut leaves more to replay); the failure reaches
            // whoever writes next, and a full disk is not tried again each second.
            log.warn("flushing the applied state after a pause failed: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        if (timer == null) {
            return;
        }
        timer.shutdownNow();
        try {
            if (!timer.awaitTermination(1, TimeUnit.MINUTES)) {
                log.warn("a flush of the applied state did not end within a minute of closing");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
