package io.tern.etcd;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.tern.client.protocol.Response;
import io.tern.etcd.api.EtcdServerPb;
import io.tern.server.watch.WatchSession;
import io.tern.server.watch.WatchSink;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An etcd watch stream as its session of the member's watch hub sees it. It takes a frame while gRPC
 * says the stream is ready (its flow-control window open and little queued), so a client that reads
 * slowly makes the hub stop sending to its watches, and it tells the session once the stream drains,
 * for them to catch up from the history: gRPC never holds more than a few frames for a stream. The
 * stream's next request is read only while it is ready too, as etcd stops reading requests while
 * their answers back up, so that a client that sends without reading cannot pile up answers either.
 *
 * <p>The hub writes from its own thread; the answers the stream makes itself and its end come from
 * the gateway's threads, so every message goes to gRPC under this object's lock, and none after the
 * stream ended.
 */
final class GrpcWatchSink implements WatchSink, WatchFrames.Output, OpenStreams.Stream {

    private final ServerCallStreamObserver<EtcdServerPb.WatchResponse> call;
    private final OpenStreams streams;
    private final AtomicBoolean awaitingReady = new AtomicBoolean();
    private final AtomicBoolean readWhenReady = new AtomicBoolean();
    private volatile WatchFrames frames;
    private volatile WatchSession session;
    private volatile boolean ended;

    GrpcWatchSink(ServerCallStreamObserver<EtcdServerPb.WatchResponse> call, OpenStreams streams) {
        this.call = call;
        this.streams = streams;
    }

    /** Completes the wiring before the stream's first request: what translates the frames, the session to wake. */
    void attach(WatchFrames frames, WatchSession session) {
        this.frames = frames;
        this.session = session;
        call.setOnReadyHandler(this::ready);
        call.setOnCancelHandler(this::cancelled);
        streams.opened(this);
    }

    @Override
    public boolean accepts(long frameBytes) {
        if (ended) {
            return false;
        }
        if (call.isReady()) {
            return true;
        }
        awaitingReady.set(true);
        // Ready again meanwhile, its handler may have run before the flag was up: go on now.
        return call.isReady();
    }

    /** Reads the stream's next request now if it is ready, or once it is. */
    void readNextRequest() {
        if (ended) {
            return;
        }
        if (call.isReady()) {
            call.request(1);
            return;
        }
        readWhenReady.set(true);
        if (call.isReady() && readWhenReady.compareAndSet(true, false)) {
            call.request(1);
        }
    }

    private void ready() {
        if (ended) {
            return;
        }
        if (awaitingReady.getAndSet(false)) {
            session.writable();
        }
        if (readWhenReady.getAndSet(false)) {
            call.request(1);
        }
    }

    @Override
    public void write(Response frame) {
        if (!ended) {
            frames.frame(frame);
        }
    }

    @Override
    public synchronized void send(EtcdServerPb.WatchResponse response) {
        if (!ended) {
            call.onNext(response);
        }
    }

    @Override
    public void fail(StatusRuntimeException status) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            call.onError(status);
        }
        streams.ended(this);
        session.close();
    }

    @Override
    public void stop(StatusRuntimeException status) {
        fail(status);
    }

    /** The client cancelled the stream or went away: nothing more is sent, and the hub forgets its watches. */
    private void cancelled() {
        ended = true;
        streams.ended(this);
        session.close();
    }
}
