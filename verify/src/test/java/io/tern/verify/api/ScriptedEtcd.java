package io.tern.verify.api;

import com.google.protobuf.Message;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrantResponse;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.LeaseRevokeResponse;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A stand-in for an etcd member, over real gRPC on loopback, that records every request it gets and
 * answers as the test scripts it: with a message, with a status (an error), or not at all. It lets the
 * tests see the requests {@link EtcdApiClient} makes of jetcd and the outcomes it draws from answers,
 * byte for byte as on the wire, without a cluster.
 */
final class ScriptedEtcd implements AutoCloseable {

    /** What the script returns for a request that must never be answered. */
    static final Object NO_ANSWER = new Object();

    private final List<Message> requests = new CopyOnWriteArrayList<>();
    private final List<StreamObserver<WatchResponse>> watchStreams = new CopyOnWriteArrayList<>();
    private volatile Function<Message, Object> script = request -> Status.UNIMPLEMENTED.withDescription("unscripted");
    private final Server server;

    ScriptedEtcd() {
        server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(new Kv()).addService(new Leases()).addService(new Watches()).build();
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where a client reaches it. */
    String endpoint() {
        return "127.0.0.1:" + server.getPort();
    }

    /**
     * How it answers from now on: a response message, a {@link Status} to fail the call with, or
     * {@link #NO_ANSWER}. Watch requests are not scripted: the test drives the watch streams itself.
     */
    void answer(Function<Message, Object> responder) {
        this.script = responder;
    }

    /** Every request so far, in order of arrival. */
    List<Message> requests() {
        return List.copyOf(requests);
    }

    /** The watch streams clients have opened, in order. */
    List<StreamObserver<WatchResponse>> watchStreams() {
        return List.copyOf(watchStreams);
    }

    static ResponseHeader header(long revision) {
        return ResponseHeader.newBuilder().setClusterId(1).setMemberId(1).setRevision(revision).setRaftTerm(2).build();
    }

    @SuppressWarnings("unchecked")
    private <T> void serve(Message request, StreamObserver<T> call) {
        requests.add(request);
        Object answer = script.apply(request);
        if (answer == NO_ANSWER) {
            return;
        }
        if (answer instanceof Status status) {
            call.onError(status.asRuntimeException());
            return;
        }
        call.onNext((T) answer);
        call.onCompleted();
    }

    private final class Kv extends KVGrpc.KVImplBase {
        @Override
        public void range(RangeRequest request, StreamObserver<RangeResponse> call) {
            serve(request, call);
        }

        @Override
        public void put(PutRequest request, StreamObserver<PutResponse> call) {
            serve(request, call);
        }

        @Override
        public void deleteRange(DeleteRangeRequest request, StreamObserver<DeleteRangeResponse> call) {
            serve(request, call);
        }

        @Override
        public void txn(TxnRequest request, StreamObserver<TxnResponse> call) {
            serve(request, call);
        }
    }

    private final class Leases extends LeaseGrpc.LeaseImplBase {
        @Override
        public void leaseGrant(LeaseGrantRequest request, StreamObserver<LeaseGrantResponse> call) {
            serve(request, call);
        }

        @Override
        public void leaseRevoke(LeaseRevokeRequest request, StreamObserver<LeaseRevokeResponse> call) {
            serve(request, call);
        }

        @Override
        public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(StreamObserver<LeaseKeepAliveResponse> call) {
            return new StreamObserver<>() {
                @Override
                @SuppressWarnings("unchecked")
                public void onNext(LeaseKeepAliveRequest request) {
                    requests.add(request);
                    Object answer = script.apply(request);
                    if (answer instanceof Status status) {
                        call.onError(status.asRuntimeException());
                    } else if (answer != NO_ANSWER) {
                        call.onNext((LeaseKeepAliveResponse) answer);
                    }
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                    call.onCompleted();
                }
            };
        }
    }

    private final class Watches extends WatchGrpc.WatchImplBase {
        @Override
        public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> call) {
            watchStreams.add(call);
            return new StreamObserver<>() {
                @Override
                public void onNext(WatchRequest request) {
                    requests.add(request);
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                    call.onCompleted();
                }
            };
        }
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
    }
}
