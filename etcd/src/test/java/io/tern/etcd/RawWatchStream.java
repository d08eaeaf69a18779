package io.tern.etcd;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.google.protobuf.ByteString;
import io.tern.etcd.api.EtcdServerPb.WatchCancelRequest;
import io.tern.etcd.api.EtcdServerPb.WatchCreateRequest;
import io.tern.etcd.api.EtcdServerPb.WatchProgressRequest;
import io.tern.etcd.api.EtcdServerPb.WatchRequest;
import io.tern.etcd.api.EtcdServerPb.WatchResponse;
import io.tern.etcd.api.WatchGrpc;
import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One Watch stream made with a generated stub, for what jetcd's Watch API cannot show: many watches on
 * one stream, the exact responses (created, canceled, fragments, progress for every watch), and a
 * client that reads only when told to. The stub is generated from the gateway's own copy of etcd's
 * protos: jetcd's copy predates {@code watch_id} and {@code fragment}.
 */
final class RawWatchStream implements ClientResponseObserver<WatchRequest, WatchResponse>, AutoCloseable {

    private final BlockingQueue<WatchResponse> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final int initialReads;
    private volatile ClientCallStreamObserver<WatchRequest> requests;

    private RawWatchStream(int initialReads) {
        this.initialReads = initialReads;
    }

    /** A stream that reads every response as it comes. */
    static RawWatchStream open(Channel channel) {
        return open(channel, -1);
    }

    /** A stream that reads {@code initialReads} responses, then only as many as {@link #read} asks. */
    static RawWatchStream slow(Channel channel, int initialReads) {
        return open(channel, initialReads);
    }

    private static RawWatchStream open(Channel channel, int initialReads) {
        RawWatchStream stream = new RawWatchStream(initialReads);
        WatchGrpc.newStub(channel).watch(stream);
        return stream;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
        this.requests = requestStream;
        if (initialReads >= 0) {
            requestStream.disableAutoRequestWithInitial(initialReads);
        }
    }

    @Override
    public void onNext(WatchResponse response) {
        received.add(response);
    }

    @Override
    public void onError(Throwable error) {
        ended.completeExceptionally(error);
    }

    @Override
    public void onCompleted() {
        ended.complete(null);
    }

    void create(WatchCreateRequest.Builder create) {
        send(WatchRequest.newBuilder().setCreateRequest(create).build());
    }

    void cancel(long watchId) {
        send(WatchRequest.newBuilder().setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(watchId)).build());
    }

    void requestProgress() {
        send(WatchRequest.newBuilder().setProgressRequest(WatchProgressRequest.getDefaultInstance()).build());
    }

    private synchronized void send(WatchRequest request) {
        requests.onNext(request);
    }

    /** Lets a slow stream read {@code count} more responses. */
    void read(int count) {
        requests.request(count);
    }

    /** The next response, failing the test if none comes in time. */
    WatchResponse next() throws InterruptedException {
        WatchResponse response = received.poll(WatchRecorder.WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(response, "no watch response within " + WatchRecorder.WAIT);
        return response;
    }

    /** A response already received, or none. */
    WatchResponse poll() {
        return received.poll();
    }

    /** Completes when the server ends the stream; exceptionally with its status. */
    CompletableFuture<Void> ended() {
        return ended;
    }

    static WatchCreateRequest.Builder watchKey(String key) {
        return WatchCreateRequest.newBuilder().setKey(ByteString.copyFromUtf8(key));
    }

    @Override
    public void close() {
        requests.cancel("the test is done", null);
    }
}
