package io.tern.verify.watch;

import io.tern.kv.KeyRange;
import io.tern.verify.api.ApiClient;
import io.tern.verify.api.WatchHandle;
import io.tern.verify.history.Call;
import io.tern.verify.history.Operation;
import io.tern.verify.history.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Watches of the kv workload's keys ({@code k0 .. kN}) that run through the whole torture run, each on
 * a client of its own that starts at a different node and resumes elsewhere when its node fails:
 *
 * <ul>
 *   <li>before the workload, from "now": one on prefix {@code k1} and one on the range {@code [k0, k2)};</li>
 *   <li>before the workload, from revision 1 on a fresh cluster (else from the start marker): one on all keys;</li>
 *   <li>{@link #startLate during} the workload, from past revisions: one on all keys from the start
 *       marker (catching up through history while writes go on), one on prefix {@code k1} from the
 *       newest revision acknowledged so far.</li>
 * </ul>
 *
 * Every watched range holds the marker keys {@code k1/marker-start} and {@code k1/marker-end}, which
 * are not workload keys. The start marker, written once the "now" watches are set up (again, until each has seen
 * one), proves them established: everything from its revision on is owed to them. The end marker, written
 * after the faults are healed, is the final write every watch must deliver; then they are closed and
 * judged ({@link #observed}). The markers are written through {@code write}, which records them in the
 * history, so they are ordinary acknowledged changes for the checker.
 */
public final class WatchWorkload implements AutoCloseable {

    static final String START_MARKER = "k1/marker-start";
    static final String END_MARKER = "k1/marker-end";
    private static final Duration MARKER_WAIT = Duration.ofSeconds(60);
    private static final Duration MARKER_RETRY = Duration.ofSeconds(2);

    /** A watch under way; {@code checkedFrom} is the first revision it owes. */
    private static final class Running {
        private final RecordedWatch recording;
        private final WatchHandle watcher;
        private final ApiClient client;
        private long checkedFrom;

        Running(RecordedWatch recording, WatchHandle watcher, ApiClient client, long checkedFrom) {
            this.recording = recording;
            this.watcher = watcher;
            this.client = client;
            this.checkedFrom = checkedFrom;
        }

        RecordedWatch recording() {
            return recording;
        }
    }

    private final IntFunction<? extends ApiClient> clientFor;
    private final Function<Call.Put, Operation> write;
    private final List<Running> watches = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private long startMarkerRevision;

    /**
     * @param clientFor the client of watch {@code i} (each its own, starting at a different node)
     * @param write     runs and records one PUT of a marker
     */
    public WatchWorkload(IntFunction<? extends ApiClient> clientFor, Function<Call.Put, Operation> write) {
        this.clientFor = clientFor;
        this.write = write;
    }

    /**
     * Sets up the watches that start before the workload, writes the start marker and waits until
     * each has delivered it.
     *
     * @param freshCluster whether the cluster was started for this run (its history holds no workload
     *     key, so a watch can start at revision 1)
     */
    public void startBeforeWorkload(boolean freshCluster) throws InterruptedException {
        List<Running> now = List.of(watch("watch 1 on prefix k1 from now", prefix("k1"), 0),
                watch("watch 2 on [k0, k2) from now", range("k0", "k2"), 0));
        // A watch from "now" starts wherever its member is when the request arrives, which may be after a
        // marker was applied there: the marker is written again until each has delivered one, and each is
        // owed everything from the first one it delivered (it had started by then, and nothing it watches
        // changed in between but markers).
        long deadline = System.nanoTime() + MARKER_WAIT.toNanos();
        List<Running> pending = new ArrayList<>(now);
        while (!pending.isEmpty()) {
            Operation marker = writeMarker(START_MARKER);
            startMarkerRevision = marker.revision();
            Change started = Change.put(START_MARKER, startMarkerRevision, value(marker));
            for (Running watch : List.copyOf(pending)) {
                if (watch.recording().awaitDelivered(started, MARKER_RETRY.toNanos())) {
                    watch.checkedFrom = startMarkerRevision;
                    pending.remove(watch);
                } else if (watch.recording().ended() || System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException(watch.recording().name() + " delivered none of the start markers "
                            + "within " + MARKER_WAIT.toSeconds() + " s" + ending(watch.recording()));
                }
            }
        }
        long first = freshCluster ? 1 : startMarkerRevision;
        watch("watch 0 on all keys from revision " + first, prefix("k"), first);
    }

    /**
     * Sets up the watches that start during the workload, from past revisions.
     *
     * @param newestAcknowledged the highest revision an operation of the history has so far
     */
    public void startLate(long newestAcknowledged) {
        watch("watch 3 on all keys from revision " + startMarkerRevision + " (started late)", prefix("k"),
                startMarkerRevision);
        long from = Math.max(startMarkerRevision, newestAcknowledged);
        watch("watch 4 on prefix k1 from revision " + from + " (started late)", prefix("k1"), from);
    }

    /**
     * Writes the end marker (the cluster must be healed) and waits until every watch has delivered it,
     * then stops them all. A watch that ended on its own, or did not deliver the end marker, is a problem.
     */
    public void finish() throws InterruptedException {
        Operation marker = writeMarker(END_MARKER);
        Change ended = Change.put(END_MARKER, marker.revision(), value(marker));
        for (Running running : watches) {
            RecordedWatch recording = running.recording();
            if (!recording.awaitDelivered(ended, MARKER_WAIT.toNanos())) {
                problems.add(recording.name() + " did not deliver the final write " + ended.describe() + " within "
                        + MARKER_WAIT.toSeconds() + " s of it" + ending(recording));
            } else if (recording.endedWith() != null) {
                problems.add(recording.name() + " ended" + ending(recording));
            }
        }
        close();
    }

    /** What each watch delivered, as the checker judges it. */
    public List<ObservedWatch> observed() {
        return watches.stream().map(w -> w.recording().observed(w.checkedFrom)).toList();
    }

    /** Watches that ended or fell behind; empty when all of them delivered the final write. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** How many watches ran. */
    public int count() {
        return watches.size();
    }

    private Running watch(String name, Range range, long startRevision) {
        RecordedWatch recording = new RecordedWatch(name, range.covers());
        ApiClient client = clientFor.apply(watches.size());
        WatchHandle watcher;
        try {
            watcher = client.watch(range.keys(), startRevision, recording);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        Running running = new Running(recording, watcher, client, startRevision);
        watches.add(running);
        return running;
    }

    /** Puts a marker until a PUT is acknowledged (each attempt is recorded); gives up after a minute. */
    private Operation writeMarker(String key) throws InterruptedException {
        long deadline = System.nanoTime() + MARKER_WAIT.toNanos();
        int attempt = 0;
        while (true) {
            Operation put = write.apply(new Call.Put(key, "marker-" + (++attempt)));
            if (put.outcome() instanceof Outcome.Written && put.revision() != Operation.NO_REVISION) {
                return put;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the marker " + key + " could not be written within "
                        + MARKER_WAIT.toSeconds() + " s: " + put.outcome().describe());
            }
            Thread.sleep(100); // a pause between attempts at a write that failed, not a wait for a condition
        }
    }

    private static String value(Operation marker) {
        return ((Call.Put) marker.call()).value();
    }

    private static String ending(RecordedWatch recording) {
        return recording.endedWith() == null ? "" : " (it ended: " + recording.endedWith() + ")";
    }

    private record Range(KeyRange keys, Predicate<String> covers) {
    }

    private static Range prefix(String prefix) {
        return new Range(KeyRange.prefix(bytes(prefix)), key -> key.startsWith(prefix));
    }

    private static Range range(String from, String to) {
        return new Range(new KeyRange(bytes(from), bytes(to)), key -> key.compareTo(from) >= 0 && key.compareTo(to) < 0);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        for (Running running : watches) {
            running.watcher.close();
            running.client.close();
        }
    }
}
