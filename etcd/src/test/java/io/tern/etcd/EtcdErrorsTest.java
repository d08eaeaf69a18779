package io.tern.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Status;
import io.tern.client.protocol.AuthMessages;
import io.tern.client.protocol.Response;
import io.tern.kv.KvRequestChecks;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each native failure answers with the code and words of etcd 3.5's rpctypes. */
class EtcdErrorsTest {

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(new Response.BadRequest(1, KvRequestChecks.EMPTY_KEY),
                        Status.Code.INVALID_ARGUMENT, "etcdserver: key is not provided"),
                Arguments.of(new Response.BadRequest(1, KvRequestChecks.DUPLICATE_KEY),
                        Status.Code.INVALID_ARGUMENT, "etcdserver: duplicate key given in txn request"),
                Arguments.of(new Response.BadRequest(1, KvRequestChecks.TOO_MANY_OPS),
                        Status.Code.INVALID_ARGUMENT, "etcdserver: too many operations in txn request"),
                Arguments.of(new Response.BadRequest(1, "etcdserver: key not found"),
                        Status.Code.INVALID_ARGUMENT, "etcdserver: key not found"),
                Arguments.of(new Response.BadRequest(1, "etcdserver: lease already exists"),
                        Status.Code.FAILED_PRECONDITION, "etcdserver: lease already exists"),
                Arguments.of(new Response.BadRequest(1, "etcdserver: too large lease TTL"),
                        Status.Code.OUT_OF_RANGE, "etcdserver: too large lease TTL"),
                Arguments.of(new Response.BadRequest(1, "the range is empty"),
                        Status.Code.INVALID_ARGUMENT, "the range is empty"),
                Arguments.of(new Response.Compacted(1, 7, "mvcc: required revision has been compacted"),
                        Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision has been compacted"),
                Arguments.of(new Response.FutureRevision(1, 7, "mvcc: required revision is a future revision"),
                        Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision is a future revision"),
                Arguments.of(new Response.LeaseNotFound(1, "etcdserver: requested lease not found"),
                        Status.Code.NOT_FOUND, "etcdserver: requested lease not found"),
                Arguments.of(new Response.NoSpace(1, "member 2 is below its disk reserve"),
                        Status.Code.RESOURCE_EXHAUSTED, "etcdserver: mvcc: database space exceeded"),
                Arguments.of(new Response.TooLarge(1, "value of 70000 bytes is over 65536"),
                        Status.Code.INVALID_ARGUMENT, "etcdserver: request is too large"),
                Arguments.of(new Response.Timeout(1, "not applied within 5000 ms"),
                        Status.Code.UNAVAILABLE, "etcdserver: request timed out"),
                // The two ways the server says it knows no leader (Failures, LeaderRouting).
                Arguments.of(new Response.Unavailable(1, "no leader: member 2 is a candidate"),
                        Status.Code.UNAVAILABLE, "etcdserver: no leader"),
                Arguments.of(new Response.Unavailable(1, "no leader is known; try again shortly"),
                        Status.Code.UNAVAILABLE, "etcdserver: no leader"),
                Arguments.of(new Response.Unavailable(1, "the node is shutting down"),
                        Status.Code.UNAVAILABLE, "etcdserver: server stopped"),
                Arguments.of(new Response.Unavailable(1, "cannot reach the leader at 127.0.0.1:7380"),
                        Status.Code.UNAVAILABLE, "etcdserver: cannot reach the leader at 127.0.0.1:7380"),
                Arguments.of(new Response.NotLeader(1, "127.0.0.1:7380"),
                        Status.Code.FAILED_PRECONDITION, "etcdserver: not leader"),
                Arguments.of(new Response.Internal(1, "IllegalStateException: oops"),
                        Status.Code.UNKNOWN, "IllegalStateException: oops"),
                // Authentication: the same native status, four codes to etcd's clients.
                Arguments.of(new Response.Unauthenticated(1, AuthMessages.USER_EMPTY),
                        Status.Code.INVALID_ARGUMENT, "etcdserver: user name is empty"),
                Arguments.of(new Response.Unauthenticated(1, AuthMessages.INVALID_TOKEN),
                        Status.Code.UNAUTHENTICATED, "etcdserver: invalid auth token"),
                Arguments.of(new Response.Unauthenticated(1, AuthMessages.AUTH_FAILED),
                        Status.Code.INVALID_ARGUMENT, "etcdserver: authentication failed, invalid user ID or password"),
                Arguments.of(new Response.Unauthenticated(1, AuthMessages.AUTH_NOT_ENABLED),
                        Status.Code.FAILED_PRECONDITION, "etcdserver: authentication is not enabled"),
                // A wording etcd does not have: still the one a client renews its token on.
                Arguments.of(new Response.Unauthenticated(1, "the token expired"),
                        Status.Code.UNAUTHENTICATED, "etcdserver: invalid auth token"),
                Arguments.of(new Response.PermissionDenied(1, "user alice lacks WRITE on key 'foo'"),
                        Status.Code.PERMISSION_DENIED, "etcdserver: permission denied"),
                Arguments.of(new Response.BadRequest(1, AuthMessages.ROOT_USER_NOT_EXIST),
                        Status.Code.FAILED_PRECONDITION, "etcdserver: root user does not exist"),
                Arguments.of(new Response.BadRequest(1, AuthMessages.ROOT_ROLE_NOT_EXIST),
                        Status.Code.FAILED_PRECONDITION, "etcdserver: root user does not have root role"),
                Arguments.of(new Response.BadRequest(1, AuthMessages.USER_ALREADY_EXIST),
                        Status.Code.FAILED_PRECONDITION, "etcdserver: user name already exists"),
                Arguments.of(new Response.BadRequest(1, AuthMessages.USER_EMPTY),
                        Status.Code.INVALID_ARGUMENT, "etcdserver: user name is empty"),
                Arguments.of(new Response.BadRequest(1, AuthMessages.USER_NOT_FOUND),
                        Status.Code.FAILED_PRECONDITION, "etcdserver: user name not found"),
                Arguments.of(new Response.BadRequest(1, AuthMessages.ROLE_ALREADY_EXIST),
                        Status.Code.FAILED_PRECONDITION, "etcdserver: role name already exists"),
                Arguments.of(new Response.BadRequest(1, AuthMessages.ROLE_NOT_FOUND),
                        Status.Code.FAILED_PRECONDITION, "etcdserver: role name not found"),
                Arguments.of(new Response.BadRequest(1, AuthMessages.ROLE_EMPTY),
                        Status.Code.INVALID_ARGUMENT, "etcdserver: role name is empty"),
                Arguments.of(new Response.BadRequest(1, AuthMessages.ROLE_NOT_GRANTED),
                        Status.Code.FAILED_PRECONDITION, "etcdserver: role is not granted to the user"),
                Arguments.of(new Response.BadRequest(1, AuthMessages.PERMISSION_NOT_GRANTED),
                        Status.Code.FAILED_PRECONDITION, "etcdserver: permission is not granted to the role"),
                Arguments.of(new Response.BadRequest(1, AuthMessages.INVALID_AUTH_MGMT),
                        Status.Code.INVALID_ARGUMENT, "etcdserver: invalid auth management"));
    }

    /** The refusals of a membership change as the leader words them (ReconfigurationGuard, ClusterOperations). */
    static Stream<Arguments> membershipFailures() {
        return Stream.of(
                Arguments.of(new Response.Unavailable(1,
                                "the change would leave 1 healthy voter of 2, below a quorum of 2 (unhealthy cluster)"),
                        Status.Code.UNKNOWN, "etcdserver: re-configuration failed due to not enough started members"),
                Arguments.of(new Response.Unavailable(1, "learner 4 is not in sync with the leader: it holds the log "
                                + "up to index 3 of 40, and needs 36 (90%)"),
                        Status.Code.FAILED_PRECONDITION,
                        "etcdserver: can only promote a learner member which is in sync with leader"),
                Arguments.of(new Response.BadRequest(1, "there is no member 9"),
                        Status.Code.NOT_FOUND, "etcdserver: member not found"),
                // Anything else as any other call's.
                Arguments.of(new Response.Unavailable(1, "no leader is known; try again shortly"),
                        Status.Code.UNAVAILABLE, "etcdserver: no leader"),
                Arguments.of(new Response.Timeout(1, "member 4 was added as a learner but not made a voter"),
                        Status.Code.UNAVAILABLE, "etcdserver: request timed out"));
    }

    @ParameterizedTest
    @MethodSource("membershipFailures")
    void membershipChangesAreRefusedAsEtcdRefusesThem(Response.Failure failure, Status.Code code, String message) {
        Status status = EtcdErrors.ofMembershipChange(failure).getStatus();
        assertEquals(code, status.getCode());
        assertEquals(message, status.getDescription());
    }

    @ParameterizedTest
    @MethodSource("failures")
    void answersAsEtcdDoes(Response.Failure failure, Status.Code code, String message) {
        Status status = EtcdErrors.of(failure).getStatus();
        assertEquals(code, status.getCode());
        assertEquals(message, status.getDescription());
    }
}
