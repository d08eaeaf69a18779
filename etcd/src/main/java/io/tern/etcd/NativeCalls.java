package io.tern.etcd;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.server.service.Backups;
import io.tern.server.service.Caller;
import io.tern.server.service.RequestDispatcher;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a unary etcd call as one native request through the member's {@link RequestDispatcher},
 * the same path a native client's request takes (forwarding to the leader, read barriers, limits),
 * and answers the call when the dispatcher's future completes: no thread waits for it.
 */
final class NativeCalls {

    private static final Logger log = LoggerFactory.getLogger(NativeCalls.class);

    private final RequestDispatcher dispatcher;
    private final Executor executor;
    /** The dispatcher wants an id per request; nothing matches answers by it here, so a counter will do. */
    private final AtomicLong requestIds = new AtomicLong();

    /**
     * @param executor where reads touch the state and where calls are answered: the gateway's own
     *                 threads, so that neither Raft's applier thread nor a Netty loop builds and
     *                 serializes etcd answers
     */
    NativeCalls(RequestDispatcher dispatcher, Executor executor) {
        this.dispatcher = dispatcher;
        this.executor = executor;
    }

    /**
     * Serves the gRPC call being run on this thread, as its caller ({@link CallerInterceptor}).
     *
     * @param request builds the native request under the id it is given; it may refuse with a
     *                status from {@link EtcdErrors}
     * @param answer  the etcd answer to an OK response; it throws {@link UnexpectedAnswer} for a
     *                response the request never gets
     */
    <T> void serve(StreamObserver<T> call, LongFunction<Request> request, Function<Response, T> answer) {
        // Without a handler, answering a call the client has cancelled would throw; the native
        // request goes on regardless (a write cannot be called back), and its answer is dropped.
        if (call instanceof ServerCallStreamObserver<T> serverCall) {
            serverCall.setOnCancelHandler(() -> { });
        }
        Request nativeRequest;
        try {
            nativeRequest = request.apply(requestIds.incrementAndGet());
        } catch (StatusRuntimeException refused) {
            call.onError(refused);
            return;
        }
        dispatcher.dispatch(nativeRequest, executor, CallerInterceptor.current())
                .whenCompleteAsync((response, error) -> complete(call, nativeRequest, response, error, answer), executor);
    }

    /**
     * Dispatches one native request built under a fresh id, for a call that answers more than once
     * (a stream), makes more than one request, or answers failures its own way: the future completes
     * on the gateway's threads with the dispatcher's response, failures included.
     *
     * @param caller who asks: the call's ({@link CallerInterceptor#current()}, taken on the call's thread,
     *               since a request made later in a chain of futures runs where the call's context is not)
     */
    CompletableFuture<Response> dispatch(Caller caller, LongFunction<Request> request) {
        return dispatcher.dispatch(request.apply(requestIds.incrementAndGet()), executor, caller)
                .whenCompleteAsync((response, error) -> { }, executor);
    }

    /**
     * Opens a backup of this member as a native BACKUP request does ({@link Backups}: it holds every
     * write acknowledged before); the future completes on the gateway's threads.
     */
    CompletableFuture<Backups.Opened> openBackup(Caller caller) {
        return dispatcher.openBackup(new Request.Backup(requestIds.incrementAndGet()), executor, caller)
                .whenCompleteAsync((opened, error) -> { }, executor);
    }

    /**
     * Answers {@code call} with {@code reply} once it completes: its value, or the status it failed
     * with ({@link StatusRuntimeException}s from {@link EtcdErrors}; anything else is a bug, INTERNAL).
     */
    static <T> void reply(StreamObserver<T> call, CompletableFuture<T> reply) {
        if (call instanceof ServerCallStreamObserver<T> serverCall) {
            serverCall.setOnCancelHandler(() -> { });
        }
        reply.whenComplete((value, error) -> {
            if (error == null) {
                call.onNext(value);
                call.onCompleted();
                return;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof StatusRuntimeException status) {
                call.onError(status);
            } else {
                log.error("an etcd call failed instead of answering", cause);
                call.onError(Status.INTERNAL.withDescription("the member failed the request: " + cause).asRuntimeException());
            }
        });
    }

    private static <T> void complete(StreamObserver<T> call, Request request, Response response, Throwable error,
                                     Function<Response, T> answer) {
        if (error != null) {
            // The dispatcher answers every failure with a status; an exception here is a bug.
            log.error("the dispatcher failed {} instead of answering it", request, error);
            call.onError(Status.INTERNAL.withDescription("the member failed the request: " + error)
                    .asRuntimeException());
            return;
        }
        if (response instanceof Response.Failure failure) {
            call.onError(EtcdErrors.of(failure));
            return;
        }
        T reply;
        try {
            reply = answer.apply(response);
        } catch (UnexpectedAnswer e) {
            call.onError(EtcdErrors.unexpected(response));
            return;
        }
        call.onNext(reply);
        call.onCompleted();
    }

    /** {@code response} as the kind of OK answer its request gets; anything else is an {@link UnexpectedAnswer}. */
    static <T extends Response> T answer(Response response, Class<T> kind) {
        if (kind.isInstance(response)) {
            return kind.cast(response);
        }
        throw new UnexpectedAnswer();
    }

    /** An OK response of a kind the request never gets. */
    static final class UnexpectedAnswer extends RuntimeException {
        UnexpectedAnswer() {
            super(null, null, false, false);
        }
    }
}
