package io.tern.verify.api;

import io.grpc.Status;
import io.tern.verify.history.Call;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The one place where a failed etcd call becomes an outcome, as a careful etcd client must judge it:
 * {@link CallResult#failed} only when the call certainly changed nothing, {@link CallResult#unknown}
 * whenever it may have. Being wrong in one direction is costly: a write called failed that was applied
 * makes the checker report violations that are not there; one called unknown that was not applied only
 * leaves the checker more to consider.
 *
 * <ul>
 *   <li>A GET (a Range) changes nothing, so whatever went wrong, it failed.</li>
 *   <li>A write failed for sure when the server refused it before proposing it or when applying it
 *       could change nothing: etcd answers those with codes that gRPC itself never gives a call it
 *       sent, INVALID_ARGUMENT (a malformed request, a duplicate key, a request too large),
 *       FAILED_PRECONDITION (not the leader), OUT_OF_RANGE (a compacted or future revision), NOT_FOUND
 *       (no such lease), ALREADY_EXISTS, PERMISSION_DENIED and UNAUTHENTICATED (auth), UNIMPLEMENTED
 *       (no such method); with RESOURCE_EXHAUSTED only when etcd names it ({@code etcdserver: ...}: no
 *       space, too many requests), since gRPC also uses that code for an answer too large to take,
 *       which comes after the write; and with UNAVAILABLE only when the text is etcd's
 *       {@code etcdserver: no leader}, which etcd sends before a request reaches its handler (Tern's
 *       gateway sends it for a native UNAVAILABLE, which the contract says was not applied).</li>
 *   <li>Everything else may have been applied: DEADLINE_EXCEEDED and CANCELLED (the request may be in
 *       the log already), any other UNAVAILABLE (etcd's {@code request timed out} as much as a
 *       connection that broke after the request left, which gRPC does not tell apart from one that
 *       broke before), INTERNAL, UNKNOWN, ABORTED, DATA_LOSS, and a failure that carries no gRPC status
 *       at all (the client's own bound ran out, or it broke).</li>
 * </ul>
 */
final class EtcdFailures {

    /** Codes only a server that refused the request, or could do nothing with it, sends. */
    private static final Set<Status.Code> REFUSED = EnumSet.of(Status.Code.INVALID_ARGUMENT,
            Status.Code.FAILED_PRECONDITION, Status.Code.OUT_OF_RANGE, Status.Code.NOT_FOUND, Status.Code.ALREADY_EXISTS,
            Status.Code.PERMISSION_DENIED, Status.Code.UNAUTHENTICATED, Status.Code.UNIMPLEMENTED);
    private static final String ETCD_TEXT = "etcdserver: ";
    private static final String NO_LEADER = "etcdserver: no leader";

    private EtcdFailures() {
    }

    /** The outcome of {@code call}, which failed with {@code failure} (as thrown or as a future reports it). */
    static CallResult outcome(Call call, Throwable failure) {
        Throwable cause = unwrap(failure);
        String reason = describe(cause);
        if (call instanceof Call.Get || certainlyNotApplied(cause)) {
            return CallResult.failed(reason);
        }
        return CallResult.unknown(reason);
    }

    /** Whether a write that failed with {@code failure} certainly changed nothing. */
    static boolean certainlyNotApplied(Throwable failure) {
        Status status = grpcStatus(unwrap(failure));
        if (status == null) {
            return false;
        }
        String text = status.getDescription() == null ? "" : status.getDescription();
        return switch (status.getCode()) {
            case RESOURCE_EXHAUSTED -> text.startsWith(ETCD_TEXT);
            case UNAVAILABLE -> text.equals(NO_LEADER);
            default -> REFUSED.contains(status.getCode());
        };
    }

    /** The gRPC status somewhere in {@code failure}'s causes, or {@code null} when there is none. */
    static Status grpcStatus(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof io.grpc.StatusRuntimeException e) {
                return e.getStatus();
            }
            if (cause instanceof io.grpc.StatusException e) {
                return e.getStatus();
            }
        }
        return null;
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String describe(Throwable failure) {
        Status status = grpcStatus(failure);
        if (status == null) {
            return failure.toString();
        }
        return status.getDescription() == null ? status.getCode().toString()
                : status.getCode() + ": " + status.getDescription();
    }
}
