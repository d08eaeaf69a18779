package io.tern.etcd;

import io.grpc.stub.StreamObserver;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.client.protocol.WatchRequests;
import io.tern.etcd.api.EtcdServerPb;
import io.tern.kv.KeyRange;
import io.tern.server.watch.WatchSession;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The requests of one etcd watch stream, as native watch requests to its {@link WatchSession}. gRPC
 * hands them over one at a time, on the gateway's threads; the hub answers them in order on its own
 * thread, and the few that are answered here go out behind the answers to those before them. The
 * next request is read once the hub has answered this one and the stream can take more output.
 */
final class WatchStream implements StreamObserver<EtcdServerPb.WatchRequest> {

    /** etcd reads an empty key as the smallest one, {@code "\0"}. */
    private static final byte[] SMALLEST_KEY = {0};

    private final WatchSession session;
    private final WatchFrames frames;
    private final GrpcWatchSink sink;
    private final Function<WatchRequests.Create, Optional<Response>> permission;
    private long lastRequestId;
    /** Completes once the hub has answered the last request handed to it. */
    private CompletableFuture<?> lastTaken = CompletableFuture.completedFuture(null);

    /**
     * @param permission the member's check of a watch, as the stream's caller: the refusal, or empty if
     *                   the caller may read what it asks to watch
     */
    WatchStream(WatchSession session, WatchFrames frames, GrpcWatchSink sink,
                Function<WatchRequests.Create, Optional<Response>> permission) {
        this.session = session;
        this.frames = frames;
        this.sink = sink;
        this.permission = permission;
    }

    @Override
    public void onNext(EtcdServerPb.WatchRequest request) {
        switch (request.getRequestUnionCase()) {
            case CREATE_REQUEST -> create(request.getCreateRequest());
            case CANCEL_REQUEST -> {
                long id = ++lastRequestId;
                frames.askedCancel(id);
                serve(new WatchRequests.Cancel(id, request.getCancelRequest().getWatchId()));
            }
            case PROGRESS_REQUEST -> {
                long id = ++lastRequestId;
                frames.askedProgress(id);
                serve(new WatchRequests.Progress(id));
            }
            // etcd ignores what it does not know, rather than end every watch of the stream.
            case REQUESTUNION_NOT_SET -> { }
        }
        lastTaken.thenRun(sink::readNextRequest);
    }

    private void create(EtcdServerPb.WatchCreateRequest create) {
        if (create.getStartRevision() < 0) {
            // etcd's answer to a revision no store has.
            answerInOrder(frames.refusedCreate(EtcdErrors.COMPACTED));
            return;
        }
        byte[] key = create.getKey().isEmpty() ? SMALLEST_KEY : create.getKey().toByteArray();
        KeyRange range = new KeyRange(key, create.getRangeEnd().toByteArray());
        int flags = (create.getPrevKv() ? WatchRequests.PREV_KV : 0)
                | (create.getProgressNotify() ? WatchRequests.PROGRESS_NOTIFY : 0);
        for (EtcdServerPb.WatchCreateRequest.FilterType filter : create.getFiltersList()) {
            switch (filter) {
                case NOPUT -> flags |= WatchRequests.NO_PUT;
                case NODELETE -> flags |= WatchRequests.NO_DELETE;
                case UNRECOGNIZED -> { } // a filter of a newer etcd filters nothing here
            }
        }
        long id = ++lastRequestId;
        WatchRequests.Create request = new WatchRequests.Create(id, range, create.getStartRevision(), flags,
                create.getWatchId());
        Optional<Response> refusal = permission.apply(request);
        if (refusal.isPresent()) {
            // etcd cancels the watch at once, saying why as its Go client prints a status error; jetcd
            // authenticates again when the reason is an invalid token.
            answerInOrder(frames.refusedCreate(refusal.get() instanceof Response.Failure failure
                    ? EtcdErrors.goErrorText(EtcdErrors.of(failure)) : EtcdErrors.unexpected(refusal.get()).getMessage()));
            return;
        }
        frames.askedCreate(id, create, range);
        serve(request);
    }

    private void serve(Request.WatchRequest request) {
        lastTaken = session.serve(request);
    }

    private void answerInOrder(EtcdServerPb.WatchResponse answer) {
        lastTaken = lastTaken.thenRun(() -> sink.send(answer));
    }

    /** The client's side failed or was cancelled: gRPC cancels the call, which ends the watches. */
    @Override
    public void onError(Throwable error) {
    }

    /**
     * The client will send no more requests; as etcd does, its watches go on until it cancels the
     * stream.
     */
    @Override
    public void onCompleted() {
    }
}
