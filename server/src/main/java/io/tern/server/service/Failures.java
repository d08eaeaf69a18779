package io.tern.server.service;

import io.tern.client.protocol.Response;
import io.tern.engine.state.CommandResult;
import io.tern.engine.state.CompactedRevisionException;
import io.tern.engine.state.FutureRevisionException;
import io.tern.raft.node.RaftNotLeaderException;
import io.tern.raft.node.RaftOutcomeUnknownException;
import io.tern.raft.node.RejectedException;
import io.tern.server.forward.ForwardFailedException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns a failure inside the node into a protocol status. The rule that
 * matters: UNAVAILABLE only when the request was certainly not applied, TIMEOUT whenever a write
 * may have been.
 */
final class Failures {

    private static final Logger log = LoggerFactory.getLogger(Failures.class);

    private Failures() {
    }

    static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /**
     * @param write whether the request changes state (so that a lost answer leaves its outcome unknown)
     */
    static Response toResponse(long requestId, Throwable error, boolean write) {
        Throwable cause = unwrap(error);
        return switch (cause) {
            case RaftNotLeaderException e -> new Response.Unavailable(requestId, "no leader: " + e.getMessage());
            case RejectedException e -> switch (e.reason()) {
                case INVALID_CONFIG_CHANGE, NOT_A_VOTER -> new Response.BadRequest(requestId, e.getMessage());
                case TOO_LARGE -> new Response.TooLarge(requestId, e.getMessage());
                default -> new Response.Unavailable(requestId, e.getMessage());
            };
            case RaftOutcomeUnknownException e -> new Response.Timeout(requestId, e.getMessage());
            case CompactedRevisionException e -> new Response.Compacted(requestId, e.compactRevision(), e.getMessage());
            case FutureRevisionException e -> new Response.FutureRevision(requestId, e.currentRevision(), e.getMessage());
            case ForwardFailedException e -> e.sent() && write
                    ? new Response.Timeout(requestId, e.getMessage())
                    : new Response.Unavailable(requestId, e.getMessage());
            case CancellationException e -> write ? new Response.Timeout(requestId, "the request was cancelled")
                    : new Response.Unavailable(requestId, "the request was cancelled");
            default -> {
                log.error("request {} failed unexpectedly", requestId, cause);
                yield write ? new Response.Timeout(requestId, "unexpected failure, outcome unknown: " + oneLine(cause))
                        : new Response.Internal(requestId, oneLine(cause));
            }
        };
    }

    /** BAD_REQUEST for a request that breaks a rule checked before anything is proposed. */
    static Response invalid(long requestId, String problem) {
        return new Response.BadRequest(requestId, problem);
    }

    /** The status of a command the state refused when it applied it, with etcd's words for it. */
    static Response refused(long requestId, CommandResult.Refused refused) {
        return switch (refused.refusal()) {
            case COMPACTED -> new Response.Compacted(requestId, refused.revision(), refused.message());
            case FUTURE_REVISION -> new Response.FutureRevision(requestId, refused.revision(), refused.message());
            case LEASE_NOT_FOUND -> new Response.LeaseNotFound(requestId, refused.message());
            case KEY_NOT_FOUND, LEASE_EXISTS, AUTH_REFUSED -> new Response.BadRequest(requestId, refused.message());
            case PERMISSION_DENIED -> new Response.PermissionDenied(requestId, refused.message());
        };
    }

    /** A write applied with a result its kind never has: a bug, and the write did happen. */
    static Response unexpectedResult(long requestId, Object result) {
        log.error("request {} was applied with an unexpected result {}", requestId, result);
        return new Response.Internal(requestId, "applied, but with an unexpected result: " + result);
    }

    private static String oneLine(Throwable cause) {
        String message = cause.getMessage();
        String text = cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
