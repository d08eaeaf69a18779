package io.tern.verify.api;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Gives every etcd call but a watch stream the run's request timeout as its gRPC deadline, as an
 * application sets one per call (jetcd sets none). A watch lives as long as the run; a lease's single
 * keep-alive ({@code keepAliveOnce}) is a stream too, but one request and one answer, so it gets the
 * deadline. A call past its deadline ends DEADLINE_EXCEEDED, which {@link EtcdFailures} reads as
 * "may have been applied".
 */
final class CallDeadlines implements ClientInterceptor {

    static final String WATCH_METHOD = "etcdserverpb.Watch/Watch";

    private final long timeoutNanos;

    CallDeadlines(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    @Override
    public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
        boolean watch = WATCH_METHOD.equals(method.getFullMethodName());
        return next.newCall(method, watch ? options : options.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS));
    }
}
