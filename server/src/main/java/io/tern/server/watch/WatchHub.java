package io.tern.server.watch;

import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.client.protocol.WatchRequests;
import io.tern.client.protocol.WatchResponses;
import io.tern.engine.state.ChangeListener;
import io.tern.engine.state.CompactedRevisionException;
import io.tern.engine.state.HistoryBatch;
import io.tern.kv.WatchEvent;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member's watches: one per member, on a thread of its own. The engine's applier only hands it the
 * changes it applied ({@link ChangeListener}); everything else, finding the watches a change
 * concerns, writing frames, reading history, runs here.
 *
 * <p>Finding the watches of a change costs a hash lookup for watches of one key, and a look at each
 * range watch: an idle single-key watch costs a write to another key nothing. A watch sends live
 * changes while it is synced; when its connection is backed up ({@link WatchSink#accepts} says no at a
 * revision's start) it stops, and once the connection drains it catches up from the history, in
 * bounded batches, before it takes live changes again. Its position ({@link Watch#nextRevision}) makes
 * the hand-over exact: no change twice, none missed. A watch whose history was compacted before it
 * could read it is cancelled with the compaction revision. Changes handed over and not yet sent are
 * bounded ({@link #MAX_HANDED_OVER_BYTES}): past that the hub drops them, and every watch catches up
 * from the history, as after a snapshot install ({@link #replaced}).
 */
public final class WatchHub implements ChangeListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WatchHub.class);

    /** How much history one catch-up step reads, so that live changes and other watches interleave. */
    static final int CATCH_UP_MAX_EVENTS = 1000;
    static final long CATCH_UP_MAX_BYTES = 1L << 20;
    /** An EVENTS frame stops growing here (a single change may make it larger). */
    static final long FRAME_TARGET_BYTES = 256 * 1024;
    /** Changes the applier handed over that the hub has not yet fanned out. */
    static final long MAX_HANDED_OVER_BYTES = 64L << 20;
    /** Watches one connection may hold. */
    static final int MAX_WATCHES_PER_CONNECTION = 100_000;

    static final String COMPACTED_REASON = "mvcc: required revision has been compacted";
    static final String CANCELED_BY_CLIENT = "canceled by the client";

    private final HistorySource history;
    private final Executor executor;
    private final Runnable onClose;

    // The handing over, between the applier's thread and the hub's.
    private final AtomicLong handedOverBytes = new AtomicLong();
    private final AtomicLong droppedUpTo = new AtomicLong();
    private final AtomicBoolean resyncQueued = new AtomicBoolean();
    private volatile boolean closed;

    // The hub's thread only from here on.
    /** The last applied index the hub has fanned out: every synced watch has sent all changes up to it. */
    private long current;
    private final Map<KeyBytes, List<Watch>> singleKeyWatches = new HashMap<>();
    private final Set<Watch> rangeWatches = new LinkedHashSet<>();
    private final Set<Watch> progressWatches = new LinkedHashSet<>();
    private final ArrayDeque<Watch> catchUps = new ArrayDeque<>();
    private boolean catchUpScheduled;
    private long watchesLookedAt;

    /**
     * @param executor runs the hub's work, one task at a time in order (a single thread)
     */
    WatchHub(HistorySource history, Executor executor, Runnable onClose) {
        this.history = history;
        this.executor = executor;
        this.onClose = onClose;
        this.current = history.currentRevision();
    }

    /**
     * A hub on a thread of its own named {@code threadName}, sending progress notifications every
     * {@code progressInterval}. Create it before the member applies anything more, and register it as
     * the engine's change listener, so that it misses no change.
     */
    public static WatchHub start(HistorySource history, String threadName, Duration progressInterval) {
        ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1, task -> {
            Thread t = new Thread(task, threadName);
            t.setDaemon(true);
            return t;
        });
        WatchHub hub = new WatchHub(history, thread, thread::shutdownNow);
        long interval = Math.max(1, progressInterval.toMillis());
        thread.scheduleAtFixedRate(hub::sendProgress, interval, interval, TimeUnit.MILLISECONDS);
        return hub;
    }

    /** A session for one client connection's watches. */
    public WatchSession openSession(WatchSink sink) {
        return new WatchSession(this, sink);
    }

    // ---- from the applier's thread

    @Override
    public void applied(long appliedIndex, List<WatchEvent> events) {
        long bytes = 0;
        for (WatchEvent event : events) {
            bytes += WatchResponses.eventBytes(event);
        }
        if (handedOverBytes.get() + bytes > MAX_HANDED_OVER_BYTES) {
            log.warn("watches fall behind the applier by over {} bytes: they catch up from history at {}",
                    MAX_HANDED_OVER_BYTES, appliedIndex);
            resyncFromHistory(appliedIndex);
            return;
        }
        handedOverBytes.addAndGet(bytes);
        long handed = bytes;
        run(() -> {
            handedOverBytes.addAndGet(-handed);
            fanOut(appliedIndex, events);
        }, () -> { });
    }

    @Override
    public void replaced(long appliedIndex) {
        resyncFromHistory(appliedIndex);
    }

    private void resyncFromHistory(long appliedIndex) {
        droppedUpTo.accumulateAndGet(appliedIndex, Math::max);
        if (resyncQueued.compareAndSet(false, true)) {
            run(() -> {
                resyncQueued.set(false);
                resync(droppedUpTo.get());
            }, () -> { });
        }
    }

    // ---- on the hub's thread

    void run(Runnable task, Runnable ifClosed) {
        if (closed) {
            ifClosed.run();
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.error("watch hub task failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            ifClosed.run();
        }
    }

    void serve(WatchSession session, Request.WatchRequest request) {
        try {
            serveRequest(session, request);
        } catch (RuntimeException e) {
            log.error("watch request {} failed unexpectedly", request.requestId(), e);
            session.sink.write(new Response.Internal(request.requestId(), e.toString()));
        }
    }

    private void serveRequest(WatchSession session, Request.WatchRequest request) {
        switch (request) {
            case WatchRequests.Create create -> create(session, create);
            case WatchRequests.Cancel cancel -> {
                Watch watch = session.watches.get(cancel.watchId());
                if (watch == null) {
                    session.sink.write(new Response.BadRequest(cancel.requestId(), "there is no watch "
                            + cancel.watchId() + " on this connection"));
                    return;
                }
                cancel(watch, 0, CANCELED_BY_CLIENT);
                session.sink.write(new WatchResponses.Ack(cancel.requestId()));
            }
            case WatchRequests.Progress progress -> {
                for (Watch watch : session.watches.values()) {
                    if (watch.synced) {
                        session.sink.write(new WatchResponses.Progress(watch.requestId, watch.id, current));
                    }
                }
                session.sink.write(new WatchResponses.Ack(progress.requestId()));
            }
        }
    }

    private void create(WatchSession session, WatchRequests.Create create) {
        long requestId = create.requestId();
        if (session.closed) {
            return;
        }
        if (create.range().isEmpty()) {
            session.sink.write(new Response.BadRequest(requestId, "the range is empty: its end is not above its key"));
            return;
        }
        if (create.watchId() != 0 && session.watches.containsKey(create.watchId())) {
            session.sink.write(new Response.BadRequest(requestId, "watch id " + create.watchId()
                    + " is in use on this connection"));
            return;
        }
        if (session.watches.size() >= MAX_WATCHES_PER_CONNECTION) {
            session.sink.write(new Response.BadRequest(requestId, "too many watches on this connection (the limit is "
                    + MAX_WATCHES_PER_CONNECTION + ")"));
            return;
        }
        long start = create.startRevision();
        long compactRevision = history.compactRevision();
        if (start != 0 && start < compactRevision) {
            session.sink.write(new Response.Compacted(requestId, compactRevision, COMPACTED_REASON));
            return;
        }
        long id = create.watchId() != 0 ? create.watchId() : session.pickId();
        Watch watch = new Watch(session, id, create);
        session.watches.put(id, watch);
        if (watch.range.isSingleKey()) {
            singleKeyWatches.computeIfAbsent(new KeyBytes(watch.range.key()), k -> new ArrayList<>(1)).add(watch);
        } else {
            rangeWatches.add(watch);
        }
        if (watch.progressNotify) {
            progressWatches.add(watch);
        }
        session.sink.write(new WatchResponses.Created(requestId, id, current));
        watch.nextRevision = start == 0 ? current + 1 : start;
        if (watch.nextRevision > current) {
            watch.synced = true;
        } else {
            queueCatchUp(watch);
        }
    }

    private void fanOut(long appliedIndex, List<WatchEvent> events) {
        if (appliedIndex <= current) {
            return; // a resync already moved past it: the watches read it from the history
        }
        long previous = current;
        current = appliedIndex;
        Map<Watch, List<WatchEvent>> selected = new LinkedHashMap<>();
        for (WatchEvent event : events) {
            List<Watch> ofKey = singleKeyWatches.get(new KeyBytes(event.kv().key()));
            if (ofKey != null) {
                for (Watch watch : ofKey) {
                    select(watch, event, selected);
                }
            }
            for (Watch watch : rangeWatches) {
                select(watch, event, selected);
            }
        }
        for (Map.Entry<Watch, List<WatchEvent>> entry : selected.entrySet()) {
            Watch watch = entry.getKey();
            // Synced means every change up to the previous index went out: the position can move there.
            watch.nextRevision = Math.max(watch.nextRevision, previous + 1);
            if (send(watch, entry.getValue(), appliedIndex)) {
                watch.nextRevision = appliedIndex + 1;
            } else {
                watch.synced = false;
                block(watch);
            }
        }
    }

    private void select(Watch watch, WatchEvent event, Map<Watch, List<WatchEvent>> selected) {
        watchesLookedAt++;
        if (watch.synced && event.revision() >= watch.nextRevision && watch.selects(event)) {
            selected.computeIfAbsent(watch, w -> new ArrayList<>()).add(watch.shaped(event));
        }
    }

    /**
     * Sends {@code events} in frames, asking the sink before each frame that starts a revision; a
     * frame that continues a revision goes out regardless, so a revision is never sent in part.
     *
     * @param upTo the revision every change the watch selects up to which the events cover
     * @return whether all went out; if not, {@link Watch#nextRevision} is the first revision not sent
     */
    private boolean send(Watch watch, List<WatchEvent> events, long upTo) {
        int i = 0;
        while (i < events.size()) {
            int end = i;
            long bytes = WatchResponses.EVENTS_FRAME_OVERHEAD;
            while (end < events.size()) {
                long more = WatchResponses.eventBytes(events.get(end));
                if (end > i && bytes + more > FRAME_TARGET_BYTES) {
                    break;
                }
                bytes += more;
                end++;
            }
            long firstRevision = events.get(i).revision();
            boolean startsRevision = i == 0 || events.get(i - 1).revision() != firstRevision;
            if (startsRevision && !watch.session.sink.accepts(bytes)) {
                watch.nextRevision = firstRevision;
                return false;
            }
            long covered = end < events.size() ? events.get(end).revision() - 1 : upTo;
            watch.session.sink.write(new WatchResponses.Events(watch.requestId, watch.id, covered,
                    events.subList(i, end)));
            i = end;
        }
        return true;
    }

    private void block(Watch watch) {
        watch.blocked = true;
        watch.session.blocked.add(watch);
    }

    void resume(WatchSession session) {
        List<Watch> waiting = new ArrayList<>(session.blocked);
        session.blocked.clear();
        for (Watch watch : waiting) {
            watch.blocked = false;
            queueCatchUp(watch);
        }
    }

    private void resync(long appliedIndex) {
        long previous = current;
        current = Math.max(current, appliedIndex);
        for (Watch watch : allWatches()) {
            if (watch.synced) {
                watch.nextRevision = Math.max(watch.nextRevision, previous + 1);
                queueCatchUp(watch);
            }
        }
    }

    private List<Watch> allWatches() {
        List<Watch> all = new ArrayList<>(rangeWatches);
        singleKeyWatches.values().forEach(all::addAll);
        return all;
    }

    private void queueCatchUp(Watch watch) {
        watch.synced = false;
        if (!watch.queued && !watch.blocked && !watch.cancelled) {
            watch.queued = true;
            catchUps.add(watch);
        }
        if (!catchUpScheduled && !catchUps.isEmpty()) {
            catchUpScheduled = true;
            run(this::catchUpStep, () -> { });
        }
    }

    /** One bounded read of history for the next watch in line; then the queue goes on behind other work. */
    private void catchUpStep() {
        catchUpScheduled = false;
        Watch watch = catchUps.poll();
        if (watch != null) {
            watch.queued = false;
            if (!watch.cancelled) {
                catchUp(watch);
            }
        }
        if (!catchUps.isEmpty() && !catchUpScheduled) {
            catchUpScheduled = true;
            run(this::catchUpStep, () -> { });
        }
    }

    private void catchUp(Watch watch) {
        if (watch.nextRevision > current) {
            watch.synced = true;
            return;
        }
        if (!watch.session.sink.accepts(WatchResponses.EVENTS_FRAME_OVERHEAD)) {
            block(watch);
            return;
        }
        HistoryBatch batch;
        try {
            batch = history.history(watch.nextRevision, CATCH_UP_MAX_EVENTS, CATCH_UP_MAX_BYTES, watch.prevKv);
        } catch (CompactedRevisionException e) {
            cancel(watch, e.compactRevision(), COMPACTED_REASON);
            return;
        }
        List<WatchEvent> events = new ArrayList<>();
        for (WatchEvent event : batch.events()) {
            if (event.revision() >= watch.nextRevision && watch.selects(event)) {
                events.add(watch.shaped(event));
            }
        }
        long upTo = batch.nextRevision() - 1;
        if (!send(watch, events, upTo)) {
            block(watch);
            return;
        }
        if (batch.nextRevision() <= watch.nextRevision) {
            // The history has nothing at or after the position: the member has not applied it yet.
            watch.synced = watch.nextRevision > current;
            if (!watch.synced) {
                log.warn("watch {} at {} finds no history up to the applied index {}", watch.id, watch.nextRevision,
                        current);
            }
            return;
        }
        watch.nextRevision = batch.nextRevision();
        if (watch.nextRevision > current) {
            watch.synced = true;
        } else {
            queueCatchUp(watch);
        }
    }

    private void cancel(Watch watch, long compactRevision, String reason) {
        forget(watch);
        watch.session.sink.write(new WatchResponses.Canceled(watch.requestId, watch.id, compactRevision, reason));
    }

    private void forget(Watch watch) {
        watch.cancelled = true;
        watch.session.watches.remove(watch.id);
        watch.session.blocked.remove(watch);
        progressWatches.remove(watch);
        if (watch.range.isSingleKey()) {
            KeyBytes key = new KeyBytes(watch.range.key());
            List<Watch> ofKey = singleKeyWatches.get(key);
            if (ofKey != null) {
                ofKey.remove(watch);
                if (ofKey.isEmpty()) {
                    singleKeyWatches.remove(key);
                }
            }
        } else {
            rangeWatches.remove(watch);
        }
    }

    void close(WatchSession session) {
        session.closed = true;
        for (Watch watch : new ArrayList<>(session.watches.values())) {
            forget(watch);
        }
    }

    /** A PROGRESS frame to each synced watch that asked for them. */
    void sendProgress() {
        for (Watch watch : progressWatches) {
            if (watch.synced && watch.session.sink.accepts(WatchResponses.EVENTS_FRAME_OVERHEAD)) {
                watch.session.sink.write(new WatchResponses.Progress(watch.requestId, watch.id, current));
            }
        }
    }

    // ---- for tests

    /** How many times a watch was looked at for a change: what fan-out costs. */
    long watchesLookedAt() {
        return watchesLookedAt;
    }

    long current() {
        return current;
    }

    /** Stops the hub: new watches are refused UNAVAILABLE; connections closing end the rest. */
    @Override
    public void close() {
        closed = true;
        onClose.run();
    }
}
