package io.tern.etcd;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tern.client.protocol.AuthMessages;
import io.tern.client.protocol.Response;
import io.tern.engine.state.CompactedRevisionException;
import io.tern.engine.state.FutureRevisionException;
import io.tern.kv.KvRequestChecks;
import io.tern.server.lease.LeaseTtl;
import java.util.Locale;
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
     * etcd's words, see {@code KvRequestChecks} and {@link AuthMessages}), with the code etcd gives each.
     */
    private static final Map<String, Status.Code> ETCD_BAD_REQUESTS = Map.ofEntries(
            Map.entry(KvRequestChecks.EMPTY_KEY, Status.Code.INVALID_ARGUMENT),
            Map.entry(KEY_NOT_FOUND, Status.Code.INVALID_ARGUMENT),
            Map.entry(KvRequestChecks.VALUE_PROVIDED, Status.Code.INVALID_ARGUMENT),
            Map.entry(KvRequestChecks.LEASE_PROVIDED, Status.Code.INVALID_ARGUMENT),
            Map.entry(KvRequestChecks.TOO_MANY_OPS, Status.Code.INVALID_ARGUMENT),
            Map.entry(KvRequestChecks.DUPLICATE_KEY, Status.Code.INVALID_ARGUMENT),
            Map.entry(LEASE_EXISTS, Status.Code.FAILED_PRECONDITION),
            Map.entry(LeaseTtl.TOO_LARGE, Status.Code.OUT_OF_RANGE),
            Map.entry(AuthMessages.ROOT_USER_NOT_EXIST, Status.Code.FAILED_PRECONDITION),
            Map.entry(AuthMessages.ROOT_ROLE_NOT_EXIST, Status.Code.FAILED_PRECONDITION),
            Map.entry(AuthMessages.USER_ALREADY_EXIST, Status.Code.FAILED_PRECONDITION),
            Map.entry(AuthMessages.USER_EMPTY, Status.Code.INVALID_ARGUMENT),
            Map.entry(AuthMessages.USER_NOT_FOUND, Status.Code.FAILED_PRECONDITION),
            Map.entry(AuthMessages.ROLE_ALREADY_EXIST, Status.Code.FAILED_PRECONDITION),
            Map.entry(AuthMessages.ROLE_NOT_FOUND, Status.Code.FAILED_PRECONDITION),
            Map.entry(AuthMessages.ROLE_EMPTY, Status.Code.INVALID_ARGUMENT),
            Map.entry(AuthMessages.ROLE_NOT_GRANTED, Status.Code.FAILED_PRECONDITION),
            Map.entry(AuthMessages.PERMISSION_NOT_GRANTED, Status.Code.FAILED_PRECONDITION),
            Map.entry(AuthMessages.INVALID_AUTH_MGMT, Status.Code.INVALID_ARGUMENT),
            Map.entry(AuthMessages.PERMISSION_NOT_GIVEN, Status.Code.INVALID_ARGUMENT),
            Map.entry(AuthMessages.AUTH_NOT_ENABLED, Status.Code.FAILED_PRECONDITION));

    /**
     * The codes etcd gives the ways a call can fail to name a valid user, all UNAUTHENTICATED natively
     * (see {@link AuthMessages}). Only an invalid token is UNAUTHENTICATED to etcd too: clients
     * (jetcd, clientv3) take exactly that code and text as "authenticate again and retry".
     */
    private static final Map<String, Status.Code> ETCD_UNAUTHENTICATED = Map.of(
            AuthMessages.USER_EMPTY, Status.Code.INVALID_ARGUMENT,
            AuthMessages.INVALID_TOKEN, Status.Code.UNAUTHENTICATED,
            AuthMessages.AUTH_FAILED, Status.Code.INVALID_ARGUMENT,
            AuthMessages.AUTH_NOT_ENABLED, Status.Code.FAILED_PRECONDITION);

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
            // Tern's message names the missing permission; etcd's clients know only etcd's words.
            case Response.PermissionDenied f -> status(Status.Code.PERMISSION_DENIED, AuthMessages.PERMISSION_DENIED);
            case Response.Unauthenticated f -> ETCD_UNAUTHENTICATED.containsKey(f.message())
                    ? status(ETCD_UNAUTHENTICATED.get(f.message()), f.message())
                    : status(Status.Code.UNAUTHENTICATED, AuthMessages.INVALID_TOKEN);
        };
    }

    /**
     * etcd's refusals of membership changes and leader moves, with the code etcd 3.5 answers each with.
     * Two are UNKNOWN because etcd 3.5 hands gRPC an error that is no status: its client-side
     * {@code ErrMemberNotEnoughStarted}, and {@code ErrTimeoutLeaderTransfer}, which its table lacks.
     */
    enum Refusal {
        MEMBER_NOT_FOUND(Status.Code.NOT_FOUND, "etcdserver: member not found"),
        MEMBER_BAD_URLS(Status.Code.INVALID_ARGUMENT, "etcdserver: given member URLs are invalid"),
        PEER_URL_EXISTS(Status.Code.FAILED_PRECONDITION, "etcdserver: Peer URLs already exists"),
        MEMBER_NOT_LEARNER(Status.Code.FAILED_PRECONDITION, "etcdserver: can only promote a learner member"),
        LEARNER_NOT_READY(Status.Code.FAILED_PRECONDITION,
                "etcdserver: can only promote a learner member which is in sync with leader"),
        TOO_MANY_LEARNERS(Status.Code.FAILED_PRECONDITION, "etcdserver: too many learner members in cluster"),
        NOT_ENOUGH_STARTED(Status.Code.UNKNOWN,
                "etcdserver: re-configuration failed due to not enough started members"),
        NOT_LEADER(Status.Code.FAILED_PRECONDITION, EtcdErrors.NOT_LEADER),
        BAD_LEADER_TRANSFEREE(Status.Code.FAILED_PRECONDITION, "etcdserver: bad leader transferee"),
        LEADER_TRANSFER_TIMED_OUT(Status.Code.UNKNOWN, "etcdserver: request timed out, leader transfer took too long");

        private final Status.Code code;
        private final String message;

        Refusal(Status.Code code, String message) {
            this.code = code;
            this.message = message;
        }

        StatusRuntimeException exception() {
            return status(code, message);
        }

        String message() {
            return message;
        }
    }

    /**
     * How the native protocol words the refusals of a membership change (docs/protocol.md, MEMBER_ADD,
     * MEMBER_REMOVE and MEMBER_PROMOTE): an UNAVAILABLE that ends "(unhealthy cluster)" or says the
     * learner "is not in sync with the leader", and a BAD_REQUEST "there is no member N".
     */
    private static final String NATIVE_UNHEALTHY = "(unhealthy cluster)";
    private static final String NATIVE_LEARNER_BEHIND = "is not in sync with the leader";
    private static final String NATIVE_NO_SUCH_MEMBER = "there is no member ";

    /** The status etcd answers a membership change with in place of the native {@code failure}. */
    static StatusRuntimeException ofMembershipChange(Response.Failure failure) {
        return switch (failure) {
            case Response.Unavailable f when f.message().endsWith(NATIVE_UNHEALTHY) ->
                    Refusal.NOT_ENOUGH_STARTED.exception();
            case Response.Unavailable f when f.message().contains(NATIVE_LEARNER_BEHIND) ->
                    Refusal.LEARNER_NOT_READY.exception();
            case Response.BadRequest f when f.message().startsWith(NATIVE_NO_SUCH_MEMBER) ->
                    Refusal.MEMBER_NOT_FOUND.exception();
            default -> of(failure);
        };
    }

    /** The status etcd answers MoveLeader with in place of the native TRANSFER_LEADER {@code failure}. */
    static StatusRuntimeException ofLeaderTransfer(Response.Failure failure) {
        return switch (failure) {
            // No such member, or not a voter: the leader checked what the gateway had checked already.
            case Response.BadRequest f -> Refusal.BAD_LEADER_TRANSFEREE.exception();
            case Response.Timeout f -> Refusal.LEADER_TRANSFER_TIMED_OUT.exception();
            default -> of(failure);
        };
    }

    /**
     * The status etcd answers in place of what the member's storage threw while it read for a
     * maintenance call (HashKV, Hash, Defragment): a revision out of range as KV's are, anything else
     * as etcd answers an error it has no name for.
     */
    static StatusRuntimeException ofStorage(RuntimeException failure) {
        return switch (failure) {
            case CompactedRevisionException e -> status(Status.Code.OUT_OF_RANGE, COMPACTED);
            case FutureRevisionException e -> status(Status.Code.OUT_OF_RANGE, FUTURE_REVISION);
            default -> unknown(failure.getMessage());
        };
    }

    /**
     * {@code error} as Go's gRPC prints a status error ({@code rpc error: code = PermissionDenied desc =
     * etcdserver: permission denied}): how etcd words the reason a watch was cancelled for.
     */
    static String goErrorText(StatusRuntimeException error) {
        Status status = error.getStatus();
        StringBuilder code = new StringBuilder();
        for (String word : status.getCode().name().split("_")) {
            code.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
        }
        // Go spells the one code gRPC-java spells CANCELLED with one L.
        String goCode = status.getCode() == Status.Code.CANCELLED ? "Canceled" : code.toString();
        return "rpc error: code = " + goCode + " desc = " + status.getDescription();
    }

    /** What etcd answers for an error it has no name for: UNKNOWN with the error's text. */
    static StatusRuntimeException unknown(String message) {
        return status(Status.Code.UNKNOWN, message);
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
