package io.tern.server;

import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.engine.state.Alarm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the free space of a member's data directory and keeps its NOSPACE alarm in step, as etcd
 * does with its quota: below the reserve ({@code --disk-reserve-bytes}) the member raises the alarm
 * through the log, so every member refuses new writes with NO_SPACE while deletes and reads go on;
 * once there is room again it clears it. The alarm lives in the replicated state, so the decision is
 * taken against what the cluster knows, and a check that finds it already in step does nothing.
 *
 * <p>One check runs at a time (on the monitor's thread, or by a test calling {@link #check()}); a
 * request to raise or clear is sent only when none is in flight, and a failed one is sent again by
 * the next check (a streak of failures is logged once, at WARN).
 */
public final class DiskSpaceMonitor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DiskSpaceMonitor.class);

    /** The bytes that a new file in the data directory could take now. */
    @FunctionalInterface
    public interface FreeSpace {
        long usableBytes() throws IOException;
    }

    private final long memberId;
    private final Path dataDirectory;
    private final long reserveBytes;
    private final FreeSpace freeSpace;
    private final Supplier<List<Alarm>> alarms;
    private final Function<Request.Alarm, CompletableFuture<Response>> submit;
    private final AtomicBoolean requestInFlight = new AtomicBoolean();
    /** Whether the last request did not go through: a streak of failures is warned about once. */
    private final AtomicBoolean failing = new AtomicBoolean();
    private final AtomicLong nextRequestId = new AtomicLong(1);
    private final Object checking = new Object();
    private ScheduledExecutorService timer;
    /** What the last check saw, to log a change once rather than on every check; guarded by checking. */
    private Boolean lastLow;

    /**
     * @param alarms what the replicated state says is raised now
     * @param submit sends an ALARM request where it can be carried out (the leader, even when the
     *               member does not forward its clients' requests)
     */
    public DiskSpaceMonitor(long memberId, Path dataDirectory, long reserveBytes, FreeSpace freeSpace,
                            Supplier<List<Alarm>> alarms, Function<Request.Alarm, CompletableFuture<Response>> submit) {
        if (reserveBytes < 0) {
            throw new IllegalArgumentException("the disk reserve must not be negative, was " + reserveBytes);
        }
        this.memberId = memberId;
        this.dataDirectory = dataDirectory;
        this.reserveBytes = reserveBytes;
        this.freeSpace = freeSpace;
        this.alarms = alarms;
        this.submit = submit;
    }

    /** The usable space of the file system that holds {@code directory}. */
    public static FreeSpace freeSpaceOf(Path directory) {
        return () -> Files.getFileStore(directory).getUsableSpace();
    }

    /**
     * Checks once now, so that a member short of room says so as it starts, then every
     * {@code interval} on a thread of its own, until {@link #close()}.
     */
    public DiskSpaceMonitor start(Duration interval) {
        synchronized (checking) {
            checkQuietly();
            timer = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("tern-disk-monitor-" + memberId).daemon().factory());
            timer.scheduleWithFixedDelay(this::checkQuietly, interval.toMillis(), interval.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        return this;
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException e) {
            log.warn("member {}: checking the free space of {} failed: {}", memberId, dataDirectory, e.toString());
        }
    }

    /** Looks at the free space once and raises or clears this member's alarm if the state is not in step. */
    public void check() {
        synchronized (checking) {
            long free;
            try {
                free = freeSpace.usableBytes();
            } catch (IOException e) {
                log.warn("member {}: cannot read the free space of {}: {}", memberId, dataDirectory, e.toString());
                return;
            }
            boolean low = free < reserveBytes;
            boolean raised = alarms.get().stream()
                    .anyMatch(a -> a.memberId() == memberId && a.type() == Alarm.Type.NOSPACE);
            String detail = "member " + memberId + "'s data directory " + dataDirectory + " has " + size(free)
                    + " free, below the " + size(reserveBytes) + " reserve";
            if (lastLow == null || lastLow != low) {
                if (low && lastLow == null) {
                    // The reserve is on by default, so a small disk refuses writes from the start: say why.
                    log.warn("member {} starts with {} free in its data directory {}, below its {} reserve: it raises "
                            + "a NOSPACE alarm, and the cluster refuses new writes until there is room or "
                            + "--disk-reserve-bytes is lowered (0 disables it)", memberId, size(free), dataDirectory,
                            size(reserveBytes));
                } else if (low) {
                    log.warn("{}: raising the NOSPACE alarm, new writes are refused until there is room "
                            + "(--disk-reserve-bytes)", detail);
                } else if (raised || lastLow != null) {
                    log.info("member {}'s data directory {} has {} free again, above the {} reserve: clearing "
                            + "the NOSPACE alarm", memberId, dataDirectory, size(free), size(reserveBytes));
                }
                lastLow = low;
            }
            if (low != raised) {
                send(new Request.Alarm(nextRequestId.getAndIncrement(), low, memberId, Request.Alarm.NOSPACE,
                        low ? detail : ""));
            }
        }
    }

    private void send(Request.Alarm request) {
        if (!requestInFlight.compareAndSet(false, true)) {
            return;
        }
        CompletableFuture<Response> answer;
        try {
            answer = submit.apply(request);
        } catch (RuntimeException e) {
            requestInFlight.set(false);
            throw e;
        }
        answer.whenComplete((response, error) -> {
            requestInFlight.set(false);
            String action = request.activate() ? "raising" : "clearing";
            if (error == null && response instanceof Response.AlarmOk) {
                if (failing.compareAndSet(true, false)) {
                    log.info("member {}: {} the NOSPACE alarm went through", memberId, action);
                }
                return;
            }
            String why = error != null ? describe(error) : describe(response);
            if (failing.compareAndSet(false, true)) {
                log.warn("member {}: {} the NOSPACE alarm did not go through ({}); every check tries again, "
                        + "and this is logged again once it has gone through", memberId, action, why);
            } else {
                log.debug("member {}: {} the NOSPACE alarm did not go through ({})", memberId, action, why);
            }
        });
    }

    private static String describe(Response response) {
        return response instanceof Response.Failure failure && !failure.message().isEmpty()
                ? response.status() + ": " + failure.message() : response.status().toString();
    }

    private static String describe(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause.toString();
    }

    /** "12.3 MiB": sizes for people. */
    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " bytes";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double value = bytes;
        int unit = -1;
        do {
            value /= 1024;
            unit++;
        } while (value >= 1024 && unit < units.length - 1);
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    @Override
    public void close() {
        synchronized (checking) {
            if (timer != null) {
                timer.shutdownNow();
            }
        }
    }
}
