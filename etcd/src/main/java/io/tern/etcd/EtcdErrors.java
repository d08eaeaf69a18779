package io.tern.etcd;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tern.client.protocol.Response;
import io.tern.kv.KvRequestChecks;
import io.tern.server.lease.LeaseTtl;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where a native failure becomes the gRPC status etcd answers with: the code and the
 * exact {@code etcdserver: ...} text of etcd 3.5's {@code rpctypes}, which clients match on (Go's
 * clientv3 turns the text back into typed errors; jetcd retries by code). Every service of the
 * gateway answers its failures through here.
 */
final class EtcdErrors {

    private static final Logger log = LoggerFactory.getLogger(EtcdErrors.class);

    static final String KEY_NOT_FOUND = "etcdserver: key not found";
    static final String COMPACTED = "etcdserver: mvcc: required revision has been compacted";
    static final String FUTURE_REVISION = "etcdserver: mvcc: required revision is a future revision";
    static final String NO_SPACE = "etcdserver: mvcc: database space exceeded";
    static final String LEASE_NOT_FOUND = "etcdserver: requested lease not found";
    static final String LEASE_EXISTS = "etcdserver: lease already exists";
    static final String REQUEST_TOO_LARGE = "etcdserver: request is too large";
    static final String NO_LEADER = "etcdserver: no leader";
    static final String NOT_LEADER = "etcdserver: not leader";
    static final String STOPPED = "etcdserver: server stopped";
    static final String TIMED_OUT = "etcdserver: request timed out";

    /**
     * The native BAD_REQUEST texts that already are etcd's (the server checks etcd's rules with
     * etcd's words, see {@code KvRequestChecks}), with the code etcd gives each.
     */
    private static final Map<String, Status.Code> ETCD_BAD_REQUESTS = Map.of(
            KvRequestChecks.EMPTY_KEY, Status.Code.INVALID_ARGUMENT,
            KEY_NOT_FOUND, Status.Code.INVALID_ARGUMENT,
            KvRequestChecks.VALUE_PROVIDED, Status.Code.INVALID_ARGUMENT,
            KvRequestChecks.LEASE_PROVIDED, Status.Code.INVALID_ARGUMENT,
            KvRequestChecks.TOO_MANY_OPS, Status.Code.INVALID_ARGUMENT,
            KvRequestChecks.DUPLICATE_KEY, Status.Code.INVALID_ARGUMENT,
            LEASE_EXISTS, Status.Code.FAILED_PRECONDITION,
            LeaseTtl.TOO_LARGE, Status.Code.OUT_OF_RANGE);

    /** How the server words an UNAVAILABLE that etcd calls "no leader" (RaftNotLeaderException, LeaderRouting). */
    private static final String NATIVE_NO_LEADER = "no leader";
    /** How the dispatcher words an UNAVAILABLE while the member drains. */
    private static final String NATIVE_SHUTTING_DOWN = "the node is shutting down";

    private EtcdErrors() {
    }

    /** The status etcd answers in place of the native {@code failure}. */
    static StatusRuntimeException of(Response.Failure failure) {
        return switch (failure) {
            case Response.BadRequest f -> status(ETCD_BAD_REQUESTS.getOrDefault(f.message(), Status.Code.INVALID_ARGUMENT),
                    f.message());
            case Response.Compacted f -> status(Status.Code.OUT_OF_RANGE, COMPACTED);
            case Response.FutureRevision f -> status(Status.Code.OUT_OF_RANGE, FUTURE_REVISION);
            case Response.LeaseNotFound f -> status(Status.Code.NOT_FOUND, LEASE_NOT_FOUND);
            case Response.NoSpace f -> status(Status.Code.RESOURCE_EXHAUSTED, NO_SPACE);
            case Response.TooLarge f -> status(Status.Code.INVALID_ARGUMENT, REQUEST_TOO_LARGE);
            // The outcome is unknown; etcd says the same of a proposal it stopped waiting for.
            case Response.Timeout f -> status(Status.Code.UNAVAILABLE, TIMED_OUT);
            case Response.Unavailable f -> status(Status.Code.UNAVAILABLE, unavailable(f.message()));
            case Response.NotLeader f -> status(Status.Code.FAILED_PRECONDITION, NOT_LEADER);
            // etcd answers an error it has no name for with UNKNOWN and the error's text.
            case Response.Internal f -> status(Status.Code.UNKNOWN, f.message());
        };
    }

    /** A request refused before it reached the node: INVALID_ARGUMENT with {@code message}. */
    static StatusRuntimeException invalid(String message) {
        return status(Status.Code.INVALID_ARGUMENT, message);
    }

    /** A stream the gateway ends because it stops: etcd's "server stopped", which clients retry elsewhere. */
    static StatusRuntimeException stopped() {
        return status(Status.Code.UNAVAILABLE, STOPPED);
    }

    /** An answer of a kind the request never gets: a bug of the gateway or the node. */
    static StatusRuntimeException unexpected(Object answer) {
        log.error("the etcd gateway got an answer it cannot translate: {}", answer);
        return status(Status.Code.INTERNAL, "unexpected answer from the member: " + answer);
    }

    private static String unavailable(String nativeMessage) {
        if (nativeMessage.startsWith(NATIVE_NO_LEADER)) {
            return NO_LEADER;
        }
        if (nativeMessage.equals(NATIVE_SHUTTING_DOWN)) {
            return STOPPED;
        }
        // Overload, a leader that cannot be reached, a change in progress: etcd has no one word for
        // these, and the code alone tells a client to retry elsewhere.
        return "etcdserver: " + nativeMessage;
    }

    private static StatusRuntimeException status(Status.Code code, String message) {
        return code.toStatus().withDescription(message).asRuntimeException();
    }
}
