package io.tern.etcd;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.tern.client.protocol.LeaseRequests;
import io.tern.client.protocol.LeaseResponses;
import io.tern.client.protocol.Response;
import io.tern.etcd.api.EtcdServerPb;
import io.tern.server.service.Caller;
import java.util.function.LongSupplier;

/**
 * One {@code LeaseKeepAlive} stream. Each request (a lease id) is one native keep-alive, renewed by
 * the leader after its read barrier, and is answered with the lease's renewed TTL, or with a TTL of
 * 0 if the lease does not exist or has expired, as etcd answers; any other failure ends the stream
 * with etcd's status. Requests are independent and may be answered out of order. The stream takes a
 * new request from the client only as answers go out, at most {@link #MAX_IN_FLIGHT} at a time, so a
 * client cannot make the member queue without bound; no thread waits for an answer.
 */
final class KeepAliveStream implements StreamObserver<EtcdServerPb.LeaseKeepAliveRequest>, OpenStreams.Stream {

    static final int MAX_IN_FLIGHT = 16;

    private final ServerCallStreamObserver<EtcdServerPb.LeaseKeepAliveResponse> call;
    private final NativeCalls calls;
    private final ResponseHeaders headers;
    private final LongSupplier currentRevision;
    private final OpenStreams streams;
    /** The stream's caller, who keeps each lease alive: taken when it opens, on the call's thread. */
    private final Caller caller = CallerInterceptor.current();

    // Guarded by this.
    private int inFlight;
    private boolean halfClosed;
    private boolean ended;

    private KeepAliveStream(ServerCallStreamObserver<EtcdServerPb.LeaseKeepAliveResponse> call, NativeCalls calls,
                            ResponseHeaders headers, LongSupplier currentRevision, OpenStreams streams) {
        this.call = call;
        this.calls = calls;
        this.headers = headers;
        this.currentRevision = currentRevision;
        this.streams = streams;
    }

    /** Called from the service method, which is the only place gRPC lets a call take over its flow control. */
    static KeepAliveStream open(ServerCallStreamObserver<EtcdServerPb.LeaseKeepAliveResponse> call, NativeCalls calls,
                                ResponseHeaders headers, LongSupplier currentRevision, OpenStreams streams) {
        KeepAliveStream stream = new KeepAliveStream(call, calls, headers, currentRevision, streams);
        call.disableAutoRequest();
        call.setOnCancelHandler(stream::cancelled);
        streams.opened(stream);
        call.request(MAX_IN_FLIGHT);
        return stream;
    }

    @Override
    public void onNext(EtcdServerPb.LeaseKeepAliveRequest request) {
        synchronized (this) {
            if (ended) {
                return;
            }
            inFlight++;
        }
        long leaseId = request.getID();
        calls.dispatch(caller, id -> new LeaseRequests.KeepAlive(id, leaseId))
                .whenComplete((response, error) -> answered(leaseId, response, error));
    }

    private synchronized void answered(long leaseId, Response response, Throwable error) {
        inFlight--;
        if (ended) {
            return;
        }
        if (error != null) {
            // The dispatcher answers every failure with a status: an exception is a bug.
            end(Status.INTERNAL.withDescription("the member failed a keep-alive: " + error).asRuntimeException());
            return;
        }
        switch (response) {
            case LeaseResponses.KeptAlive kept -> call.onNext(answer(leaseId, kept.ttlSeconds()));
            case Response.LeaseNotFound notFound -> call.onNext(answer(leaseId, 0));
            case Response.Failure failure -> {
                end(EtcdErrors.of(failure));
                return;
            }
            default -> {
                end(EtcdErrors.unexpected(response));
                return;
            }
        }
        if (halfClosed && inFlight == 0) {
            complete();
        } else {
            call.request(1);
        }
    }

    private EtcdServerPb.LeaseKeepAliveResponse answer(long leaseId, long ttlSeconds) {
        return EtcdServerPb.LeaseKeepAliveResponse.newBuilder().setHeader(headers.at(currentRevision.getAsLong()))
                .setID(leaseId).setTTL(ttlSeconds).build();
    }

    /** The client's side failed: gRPC cancels the call, which {@link #cancelled} sees. */
    @Override
    public void onError(Throwable error) {
    }

    /** The client sends no more: the stream ends once the answers under way are out, as etcd's ends. */
    @Override
    public synchronized void onCompleted() {
        halfClosed = true;
        if (inFlight == 0 && !ended) {
            complete();
        }
    }

    @Override
    public void stop(StatusRuntimeException status) {
        synchronized (this) {
            if (ended) {
                return;
            }
            end(status);
        }
    }

    /** Holding the lock. */
    private void complete() {
        ended = true;
        call.onCompleted();
        streams.ended(this);
    }

    /** Holding the lock. */
    private void end(StatusRuntimeException status) {
        ended = true;
        call.onError(status);
        streams.ended(this);
    }

    private synchronized void cancelled() {
        ended = true;
        streams.ended(this);
    }
}
