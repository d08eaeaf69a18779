package io.tern.etcd;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.tern.etcd.api.EtcdServerPb;
import io.tern.etcd.api.WatchGrpc;
import io.tern.server.service.Caller;
import io.tern.server.service.RequestDispatcher;
import io.tern.server.watch.WatchHub;
import io.tern.server.watch.WatchSession;
import java.util.function.LongSupplier;

/**
 * etcd's Watch service: each stream is one session of the member's {@link WatchHub}, as each native
 * connection's watches are, so fan-out, catching up from the history, compaction and progress have
 * one implementation. A member serves watches from its own applied state, leader or not.
 * {@link WatchStream} turns the stream's requests into native ones, {@link WatchFrames} the hub's
 * frames into etcd's responses, and {@link GrpcWatchSink} carries them under gRPC's flow control.
 */
final class WatchService extends WatchGrpc.WatchImplBase {

    private final WatchHub hub;
    private final RequestDispatcher dispatcher;
    private final ResponseHeaders headers;
    private final LongSupplier currentRevision;
    private final OpenStreams streams;

    /**
     * @param dispatcher      the member's, which checks that a stream's caller may read what it watches
     * @param currentRevision the member's applied revision
     */
    WatchService(WatchHub hub, RequestDispatcher dispatcher, ResponseHeaders headers, LongSupplier currentRevision,
                 OpenStreams streams) {
        this.hub = hub;
        this.dispatcher = dispatcher;
        this.headers = headers;
        this.currentRevision = currentRevision;
        this.streams = streams;
    }

    @Override
    public StreamObserver<EtcdServerPb.WatchRequest> watch(StreamObserver<EtcdServerPb.WatchResponse> responses) {
        ServerCallStreamObserver<EtcdServerPb.WatchResponse> call =
                (ServerCallStreamObserver<EtcdServerPb.WatchResponse>) responses;
        // Only here may a call take over its flow control: requests are read one at a time.
        call.disableAutoRequest();
        GrpcWatchSink sink = new GrpcWatchSink(call, streams);
        WatchFrames frames = new WatchFrames(headers, currentRevision, sink);
        WatchSession session = hub.openSession(sink);
        sink.attach(frames, session);
        Caller caller = CallerInterceptor.current();
        WatchStream stream = new WatchStream(session, frames, sink, create -> dispatcher.checkWatch(create, caller));
        call.request(1);
        return stream;
    }
}
