package io.tern.verify.watch;

import io.tern.kv.WatchEvent;
import io.tern.verify.api.WatchSink;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A watch's listener that records everything it is told, for {@link WatchChecker}: each event as a
 * {@link Change}, the highest progress notification, and how the watch ended. Waiting for a given
 * change lets the workload know the watch is established, or has caught up with a final write.
 */
final class RecordedWatch implements WatchSink {

    private final String name;
    private final Predicate<String> covers;
    private final List<Change> events = new ArrayList<>();
    private long progress = Long.MIN_VALUE;
    private boolean ended;
    private String endedWith;

    RecordedWatch(String name, Predicate<String> covers) {
        this.name = name;
        this.covers = covers;
    }

    String name() {
        return name;
    }

    boolean covers(String key) {
        return covers.test(key);
    }

    @Override
    public synchronized void onEvents(List<WatchEvent> delivered) {
        for (WatchEvent event : delivered) {
            events.add(toChange(event));
        }
        notifyAll();
    }

    @Override
    public synchronized void onProgress(long revision) {
        progress = Math.max(progress, revision);
    }

    @Override
    public synchronized void onClosed(String error) {
        ended = true;
        endedWith = error;
        notifyAll();
    }

    static Change toChange(WatchEvent event) {
        String key = new String(event.kv().key(), StandardCharsets.UTF_8);
        return event.type() == WatchEvent.Type.PUT
                ? Change.put(key, event.revision(), new String(event.kv().value(), StandardCharsets.UTF_8))
                : Change.delete(key, event.revision());
    }

    /**
     * Waits until the watch has delivered {@code change}, or has ended, or {@code timeoutNanos} passed.
     *
     * @return whether it delivered it
     */
    synchronized boolean awaitDelivered(Change change, long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (!events.contains(change) && !ended) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return events.contains(change);
    }

    /** Why the watch ended on its own, or {@code null} while it runs (or if it was closed by the workload). */
    synchronized String endedWith() {
        return endedWith;
    }

    synchronized boolean ended() {
        return ended;
    }

    /** What the watch delivered, judged from {@code checkedFrom}, the first revision it owes. */
    synchronized ObservedWatch observed(long checkedFrom) {
        long lastEvent = events.stream().mapToLong(Change::revision).max().orElse(Long.MIN_VALUE);
        return new ObservedWatch(name, covers, checkedFrom, events, Math.max(lastEvent, progress));
    }
}
