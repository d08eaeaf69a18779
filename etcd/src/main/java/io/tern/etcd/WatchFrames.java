package io.tern.etcd;

import com.google.protobuf.CodedOutputStream;
import io.grpc.StatusRuntimeException;
import io.tern.client.protocol.Response;
import io.tern.client.protocol.WatchResponses;
import io.tern.etcd.api.EtcdServerPb;
import io.tern.etcd.api.MvccPb;
import io.tern.kv.KeyRange;
import io.tern.kv.WatchEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * One etcd watch stream's answers, made from the native frames ({@link WatchResponses}) its
 * session of the member's watch hub writes: the one place where they become etcd's
 * {@code WatchResponse}, with etcd 3.5's choices where the two protocols differ.
 *
 * <ul>
 *   <li>A create the hub refuses is answered {@code created} and {@code canceled} with watch id -1
 *       and etcd's reason; one whose start revision is compacted is {@code created}, then
 *       {@code canceled} with the compaction revision, which clients turn into their "compacted"
 *       error.</li>
 *   <li>A revision's changes, which the hub cuts into frames of a few hundred KiB, go out whole in
 *       one response, unless that would pass {@link #WHOLE_RESPONSE_LIMIT_BYTES}; a watch that asked
 *       for {@code fragment} gets them in parts of {@link #FRAGMENT_BYTES}, marked {@code fragment}
 *       but the last, which etcd's clients join back.</li>
 *   <li>A progress request is answered, as etcd does, with one response of watch id -1 at the
 *       current revision when every watch of the stream has sent all it had, and not at all
 *       otherwise. Periodic progress frames waiting behind a progress request are dropped: its answer
 *       tells every watch the same.</li>
 *   <li>The answers to a cancel of an unknown watch and the acknowledgements of cancels and progress
 *       requests have no counterpart in etcd and are dropped.</li>
 * </ul>
 *
 * <p>What the stream asked is recorded by {@code asked*} on the thread that receives requests,
 * before the request reaches the hub; the frames come on the hub's thread only, in order.
 */
final class WatchFrames {

    /**
     * grpc-java's default limit on a message a client receives (jetcd keeps it), less room for the
     * header: a response without {@code fragment} stays under it even when that splits a revision.
     */
    static final int WHOLE_RESPONSE_LIMIT_BYTES = 4 * 1024 * 1024 - 16 * 1024;

    /**
     * Where etcd cuts a response into fragments with its default settings: {@code --max-request-bytes}
     * (1.5 MiB) and the 512 KiB it allows for gRPC's overhead.
     */
    static final int FRAGMENT_BYTES = 2 * 1024 * 1024;

    /** etcd's reasons (its mvcc package's errors) for refusing a create. */
    static final String EMPTY_RANGE = "mvcc: watcher range is empty";
    static final String DUPLICATE_ID = "mvcc: duplicate watch ID provided on the WatchStream";

    /** etcd's {@code clientv3.InvalidWatchID}: a create refused, or a progress answer for every watch. */
    static final long NO_WATCH = -1;

    /** Where the responses go. */
    interface Output {
        void send(EtcdServerPb.WatchResponse response);

        /** Ends the stream with {@code status}: the member cannot serve it any longer. */
        void fail(StatusRuntimeException status);
    }

    private sealed interface Asked {
    }

    private record AskedCreate(EtcdServerPb.WatchCreateRequest request, KeyRange range) implements Asked {
    }

    private record AskedCancel() implements Asked {
    }

    private record AskedProgress() implements Asked {
    }

    /** A watch the hub created, as this stream answers for it. */
    private static final class LiveWatch {
        final long id;
        final boolean fragment;
        /** Changes waiting for the rest of their revision. */
        final List<MvccPb.Event> waiting = new ArrayList<>();
        long waitingBytes;

        LiveWatch(long id, boolean fragment) {
            this.id = id;
            this.fragment = fragment;
        }

        long responseLimit() {
            return fragment ? FRAGMENT_BYTES : WHOLE_RESPONSE_LIMIT_BYTES;
        }
    }

    private final ResponseHeaders headers;
    private final LongSupplier currentRevision;
    private final Output output;
    private final Map<Long, Asked> asked = new ConcurrentHashMap<>();
    private final AtomicInteger progressAsked = new AtomicInteger();

    // The hub's thread only.
    private final Map<Long, LiveWatch> live = new HashMap<>();
    /** While a progress request is under way: each watch's latest progress frame. */
    private final Map<Long, Long> progressSeen = new HashMap<>();
    private long highestId;

    /** @param currentRevision the member's applied revision, for answers whose frame carries none */
    WatchFrames(ResponseHeaders headers, LongSupplier currentRevision, Output output) {
        this.headers = headers;
        this.currentRevision = currentRevision;
        this.output = output;
    }

    void askedCreate(long requestId, EtcdServerPb.WatchCreateRequest request, KeyRange range) {
        asked.put(requestId, new AskedCreate(request, range));
    }

    void askedCancel(long requestId) {
        asked.put(requestId, new AskedCancel());
    }

    void askedProgress(long requestId) {
        progressAsked.incrementAndGet();
        asked.put(requestId, new AskedProgress());
    }

    /** The answer to a create etcd refuses before it reaches the store. */
    EtcdServerPb.WatchResponse refusedCreate(String reason) {
        return EtcdServerPb.WatchResponse.newBuilder().setHeader(headers.at(currentRevision.getAsLong()))
                .setWatchId(NO_WATCH).setCreated(true).setCanceled(true).setCancelReason(reason).build();
    }

    /** One frame the hub wrote to this stream's session. */
    void frame(Response frame) {
        switch (frame) {
            case WatchResponses.Created f -> created(f);
            case WatchResponses.Events f -> events(f);
            case WatchResponses.Progress f -> progress(f);
            case WatchResponses.Canceled f -> canceled(f);
            case WatchResponses.Ack f -> acknowledged(asked.remove(f.requestId()));
            case Response.Failure f -> failed(f);
            default -> output.fail(EtcdErrors.unexpected(frame));
        }
    }

    private void created(WatchResponses.Created created) {
        boolean fragment = asked.remove(created.requestId()) instanceof AskedCreate create
                && create.request().getFragment();
        live.put(created.watchId(), new LiveWatch(created.watchId(), fragment));
        highestId = Math.max(highestId, created.watchId());
        output.send(EtcdServerPb.WatchResponse.newBuilder().setHeader(headers.at(created.revision()))
                .setWatchId(created.watchId()).setCreated(true).build());
    }

    private void events(WatchResponses.Events frame) {
        LiveWatch watch = live.get(frame.watchId());
        if (watch == null || frame.events().isEmpty()) {
            return;
        }
        // The frame covers less than its last change's revision when that revision goes on in the next frame.
        long lastRevision = frame.events().getLast().revision();
        boolean revisionContinues = frame.revision() < lastRevision;
        // etcd's header carries the store's revision, which has every change sent: never below one of them.
        long headerRevision = Math.max(frame.revision(), lastRevision);
        List<MvccPb.Event> events = new ArrayList<>(frame.events().size());
        long bytes = 0;
        for (WatchEvent event : frame.events()) {
            MvccPb.Event converted = event(event);
            events.add(converted);
            bytes += CodedOutputStream.computeMessageSize(EtcdServerPb.WatchResponse.EVENTS_FIELD_NUMBER, converted);
        }
        if (!watch.waiting.isEmpty() && watch.waitingBytes + bytes > watch.responseLimit()) {
            // The revision goes on in another response: a fragment if the watch asked for them; if not,
            // a part etcd would not cut, but that whole would be a message the client refuses.
            flush(watch, watch.waiting.getLast().getKv().getModRevision(), watch.fragment);
        }
        watch.waiting.addAll(events);
        watch.waitingBytes += bytes;
        if (!revisionContinues) {
            flush(watch, headerRevision, false);
        }
    }

    private void flush(LiveWatch watch, long headerRevision, boolean fragment) {
        output.send(eventsResponse(watch.id, headerRevision, watch.waiting, fragment));
        watch.waiting.clear();
        watch.waitingBytes = 0;
    }

    private EtcdServerPb.WatchResponse eventsResponse(long watchId, long revision, List<MvccPb.Event> events,
                                                      boolean fragment) {
        return EtcdServerPb.WatchResponse.newBuilder().setHeader(headers.at(revision)).setWatchId(watchId)
                .addAllEvents(events).setFragment(fragment).build();
    }

    private void progress(WatchResponses.Progress progress) {
        if (!live.containsKey(progress.watchId())) {
            return;
        }
        if (progressAsked.get() > 0) {
            progressSeen.merge(progress.watchId(), progress.revision(), Math::max);
            return;
        }
        output.send(EtcdServerPb.WatchResponse.newBuilder().setHeader(headers.at(progress.revision()))
                .setWatchId(progress.watchId()).build());
    }

    private void canceled(WatchResponses.Canceled canceled) {
        live.remove(canceled.watchId());
        progressSeen.remove(canceled.watchId());
        EtcdServerPb.WatchResponse.Builder answer = EtcdServerPb.WatchResponse.newBuilder()
                .setWatchId(canceled.watchId()).setCanceled(true);
        if (canceled.compactRevision() != 0) {
            // As etcd 3.5 sends it: the header's revision unset, no reason, the compaction revision.
            output.send(answer.setHeader(headers.at(0)).setCompactRevision(canceled.compactRevision()).build());
        } else {
            // The hub ends a watch for the client's cancel or for compaction only; etcd gives no reason.
            output.send(answer.setHeader(headers.at(currentRevision.getAsLong())).build());
        }
    }

    private void acknowledged(Asked what) {
        if (!(what instanceof AskedProgress)) {
            return;
        }
        progressAsked.decrementAndGet();
        long revision = Long.MAX_VALUE;
        for (long watchId : live.keySet()) {
            Long seen = progressSeen.get(watchId);
            if (seen == null) {
                revision = -1; // this watch has not sent all it had: etcd answers nothing
                break;
            }
            revision = Math.min(revision, seen);
        }
        if (progressAsked.get() == 0) {
            progressSeen.clear();
        }
        if (!live.isEmpty() && revision >= 0) {
            output.send(EtcdServerPb.WatchResponse.newBuilder().setHeader(headers.at(revision)).setWatchId(NO_WATCH)
                    .build());
        }
    }

    private void failed(Response.Failure failure) {
        Asked what = asked.remove(failure.requestId());
        switch (what) {
            case AskedCreate create when failure instanceof Response.Compacted compacted -> compactedCreate(create,
                    compacted.compactRevision());
            case AskedCreate create when failure instanceof Response.BadRequest refusal ->
                    output.send(refusedCreate(refusalReason(create, refusal)));
            // A cancel of a watch this stream does not have: etcd answers nothing.
            case AskedCancel cancel when failure instanceof Response.BadRequest -> { }
            case AskedProgress progress -> {
                progressAsked.decrementAndGet();
                output.fail(EtcdErrors.of(failure));
            }
            case null, default -> output.fail(EtcdErrors.of(failure));
        }
    }

    private String refusalReason(AskedCreate create, Response.BadRequest refusal) {
        if (create.range().isEmpty()) {
            return EMPTY_RANGE;
        }
        long id = create.request().getWatchId();
        return id != 0 && live.containsKey(id) ? DUPLICATE_ID : refusal.message();
    }

    /**
     * etcd creates the watch, then finds its start compacted: the client sees it created, then
     * canceled with the compaction revision. The hub refuses it at once, so the id is chosen here:
     * the one asked for, or one above every id this stream has seen.
     */
    private void compactedCreate(AskedCreate create, long compactRevision) {
        long id = create.request().getWatchId() != 0 ? create.request().getWatchId() : highestId + 1;
        highestId = Math.max(highestId, id);
        output.send(EtcdServerPb.WatchResponse.newBuilder().setHeader(headers.at(currentRevision.getAsLong()))
                .setWatchId(id).setCreated(true).build());
        output.send(EtcdServerPb.WatchResponse.newBuilder().setHeader(headers.at(0)).setWatchId(id).setCanceled(true)
                .setCompactRevision(compactRevision).build());
    }

    static MvccPb.Event event(WatchEvent event) {
        MvccPb.Event.Builder converted = MvccPb.Event.newBuilder()
                .setType(event.type() == WatchEvent.Type.PUT ? MvccPb.Event.EventType.PUT : MvccPb.Event.EventType.DELETE)
                .setKv(NativeToEtcd.keyValue(event.kv()));
        if (event.prevKv() != null) {
            converted.setPrevKv(NativeToEtcd.keyValue(event.prevKv()));
        }
        return converted.build();
    }
}
