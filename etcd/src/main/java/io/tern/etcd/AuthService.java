package io.tern.etcd;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.tern.client.protocol.AuthRequests;
import io.tern.client.protocol.AuthResponses;
import io.tern.client.protocol.Request;
import io.tern.etcd.api.AuthGrpc;
import io.tern.etcd.api.AuthPb;
import io.tern.etcd.api.EtcdServerPb;
import io.tern.kv.Permission;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * etcd's Auth service: each call is one native auth request (AUTHENTICATE, AUTH_ENABLE ... ROLE_REVOKE_PERMISSION)
 * served through {@link NativeCalls} as its caller, so the member checks it (root only, while
 * authentication is on) and refuses it with etcd's words exactly as it does a native client's.
 * Passwords go to the member as they came: it keeps only their slow salted hashes.
 */
final class AuthService extends AuthGrpc.AuthImplBase {

    /**
     * etcd 3.5's clients send the password itself; a pre-hashed one (an etcd 3.6 client's option) would
     * have to be a hash of Tern's own kind, which no etcd client can know.
     */
    static final String HASHED_PASSWORD_REFUSED = "etcdserver: Tern takes the password itself, not a hash of it";

    private final NativeCalls calls;
    private final ResponseHeaders headers;
    private final LongSupplier appliedRevision;

    /** @param appliedRevision this member's applied revision, for the header of an answer that changed nothing */
    AuthService(NativeCalls calls, ResponseHeaders headers, LongSupplier appliedRevision) {
        this.calls = calls;
        this.headers = headers;
        this.appliedRevision = appliedRevision;
    }

    @Override
    public void authenticate(EtcdServerPb.AuthenticateRequest request,
                             StreamObserver<EtcdServerPb.AuthenticateResponse> call) {
        calls.serve(call, id -> new AuthRequests.Authenticate(id, request.getName(), request.getPassword()),
                response -> EtcdServerPb.AuthenticateResponse.newBuilder().setHeader(current())
                        .setToken(NativeCalls.answer(response, AuthResponses.Authenticated.class).token()).build());
    }

    @Override
    public void authEnable(EtcdServerPb.AuthEnableRequest request, StreamObserver<EtcdServerPb.AuthEnableResponse> call) {
        change(call, AuthRequests.Enable::new,
                header -> EtcdServerPb.AuthEnableResponse.newBuilder().setHeader(header).build());
    }

    @Override
    public void authDisable(EtcdServerPb.AuthDisableRequest request,
                            StreamObserver<EtcdServerPb.AuthDisableResponse> call) {
        change(call, AuthRequests.Disable::new,
                header -> EtcdServerPb.AuthDisableResponse.newBuilder().setHeader(header).build());
    }

    @Override
    public void authStatus(EtcdServerPb.AuthStatusRequest request, StreamObserver<EtcdServerPb.AuthStatusResponse> call) {
        calls.serve(call, AuthRequests.GetStatus::new, response -> {
            AuthResponses.AuthStatus status = NativeCalls.answer(response, AuthResponses.AuthStatus.class);
            return EtcdServerPb.AuthStatusResponse.newBuilder().setHeader(current()).setEnabled(status.enabled())
                    .setAuthRevision(status.authRevision()).build();
        });
    }

    @Override
    public void userAdd(EtcdServerPb.AuthUserAddRequest request, StreamObserver<EtcdServerPb.AuthUserAddResponse> call) {
        boolean noPassword = request.hasOptions() && request.getOptions().getNoPassword();
        change(call, id -> {
            refuseHashedPassword(request.getHashedPassword(), request.getPassword());
            return new AuthRequests.UserAdd(id, request.getName(), noPassword ? "" : request.getPassword(), noPassword);
        }, header -> EtcdServerPb.AuthUserAddResponse.newBuilder().setHeader(header).build());
    }

    @Override
    public void userGet(EtcdServerPb.AuthUserGetRequest request, StreamObserver<EtcdServerPb.AuthUserGetResponse> call) {
        calls.serve(call, id -> new AuthRequests.UserGet(id, request.getName()),
                response -> EtcdServerPb.AuthUserGetResponse.newBuilder().setHeader(current())
                        .addAllRoles(NativeCalls.answer(response, AuthResponses.UserDetails.class).roles()).build());
    }

    @Override
    public void userList(EtcdServerPb.AuthUserListRequest request, StreamObserver<EtcdServerPb.AuthUserListResponse> call) {
        calls.serve(call, AuthRequests.UserList::new,
                response -> EtcdServerPb.AuthUserListResponse.newBuilder().setHeader(current())
                        .addAllUsers(NativeCalls.answer(response, AuthResponses.Names.class).names()).build());
    }

    @Override
    public void userDelete(EtcdServerPb.AuthUserDeleteRequest request,
                           StreamObserver<EtcdServerPb.AuthUserDeleteResponse> call) {
        change(call, id -> new AuthRequests.UserDelete(id, request.getName()),
                header -> EtcdServerPb.AuthUserDeleteResponse.newBuilder().setHeader(header).build());
    }

    @Override
    public void userChangePassword(EtcdServerPb.AuthUserChangePasswordRequest request,
                                   StreamObserver<EtcdServerPb.AuthUserChangePasswordResponse> call) {
        change(call, id -> {
            refuseHashedPassword(request.getHashedPassword(), request.getPassword());
            return new AuthRequests.UserChangePassword(id, request.getName(), request.getPassword());
        }, header -> EtcdServerPb.AuthUserChangePasswordResponse.newBuilder().setHeader(header).build());
    }

    @Override
    public void userGrantRole(EtcdServerPb.AuthUserGrantRoleRequest request,
                              StreamObserver<EtcdServerPb.AuthUserGrantRoleResponse> call) {
        change(call, id -> new AuthRequests.UserGrantRole(id, request.getUser(), request.getRole()),
                header -> EtcdServerPb.AuthUserGrantRoleResponse.newBuilder().setHeader(header).build());
    }

    @Override
    public void userRevokeRole(EtcdServerPb.AuthUserRevokeRoleRequest request,
                               StreamObserver<EtcdServerPb.AuthUserRevokeRoleResponse> call) {
        change(call, id -> new AuthRequests.UserRevokeRole(id, request.getName(), request.getRole()),
                header -> EtcdServerPb.AuthUserRevokeRoleResponse.newBuilder().setHeader(header).build());
    }

    @Override
    public void roleAdd(EtcdServerPb.AuthRoleAddRequest request, StreamObserver<EtcdServerPb.AuthRoleAddResponse> call) {
        change(call, id -> new AuthRequests.RoleAdd(id, request.getName()),
                header -> EtcdServerPb.AuthRoleAddResponse.newBuilder().setHeader(header).build());
    }

    @Override
    public void roleGet(EtcdServerPb.AuthRoleGetRequest request, StreamObserver<EtcdServerPb.AuthRoleGetResponse> call) {
        calls.serve(call, id -> new AuthRequests.RoleGet(id, request.getRole()), response -> {
            EtcdServerPb.AuthRoleGetResponse.Builder answer = EtcdServerPb.AuthRoleGetResponse.newBuilder()
                    .setHeader(current());
            for (Permission permission : NativeCalls.answer(response, AuthResponses.RoleDetails.class).permissions()) {
                answer.addPerm(etcd(permission));
            }
            return answer.build();
        });
    }

    @Override
    public void roleList(EtcdServerPb.AuthRoleListRequest request, StreamObserver<EtcdServerPb.AuthRoleListResponse> call) {
        calls.serve(call, AuthRequests.RoleList::new,
                response -> EtcdServerPb.AuthRoleListResponse.newBuilder().setHeader(current())
                        .addAllRoles(NativeCalls.answer(response, AuthResponses.Names.class).names()).build());
    }

    @Override
    public void roleDelete(EtcdServerPb.AuthRoleDeleteRequest request,
                           StreamObserver<EtcdServerPb.AuthRoleDeleteResponse> call) {
        change(call, id -> new AuthRequests.RoleDelete(id, request.getRole()),
                header -> EtcdServerPb.AuthRoleDeleteResponse.newBuilder().setHeader(header).build());
    }

    @Override
    public void roleGrantPermission(EtcdServerPb.AuthRoleGrantPermissionRequest request,
                                    StreamObserver<EtcdServerPb.AuthRoleGrantPermissionResponse> call) {
        change(call, id -> new AuthRequests.RoleGrantPermission(id, request.getName(), permission(request.getPerm())),
                header -> EtcdServerPb.AuthRoleGrantPermissionResponse.newBuilder().setHeader(header).build());
    }

    @Override
    public void roleRevokePermission(EtcdServerPb.AuthRoleRevokePermissionRequest request,
                                     StreamObserver<EtcdServerPb.AuthRoleRevokePermissionResponse> call) {
        change(call, id -> new AuthRequests.RoleRevokePermission(id, request.getRole(),
                        EtcdToNative.keyRange(request.getKey(), request.getRangeEnd())),
                header -> EtcdServerPb.AuthRoleRevokePermissionResponse.newBuilder().setHeader(header).build());
    }

    /** A call that changes the auth state: answered with the header at the revision of the change. */
    private <T> void change(StreamObserver<T> call, LongFunction<Request> request,
                            Function<EtcdServerPb.ResponseHeader, T> answer) {
        calls.serve(call, request, response -> answer.apply(headers.at(NativeCalls.answer(response, AuthResponses.Changed.class)
                .revision())));
    }

    private EtcdServerPb.ResponseHeader current() {
        return headers.at(appliedRevision.getAsLong());
    }

    /** etcd's permission as Tern's; a type of a newer etcd is refused rather than guessed. */
    static Permission permission(AuthPb.Permission permission) {
        Permission.Type type = Permission.Type.fromCode(permission.getPermTypeValue());
        if (type == null) {
            throw EtcdErrors.invalid("etcdserver: unknown permission type " + permission.getPermTypeValue());
        }
        return new Permission(type, EtcdToNative.keyRange(permission.getKey(), permission.getRangeEnd()));
    }

    /** Tern's permission as etcd's: its key and range end as given when it was granted. */
    static AuthPb.Permission etcd(Permission permission) {
        return AuthPb.Permission.newBuilder().setPermTypeValue(permission.type().code())
                .setKey(ByteString.copyFrom(permission.range().key()))
                .setRangeEnd(ByteString.copyFrom(permission.range().rangeEnd())).build();
    }

    private static void refuseHashedPassword(String hashedPassword, String password) {
        if (!hashedPassword.isEmpty() && password.isEmpty()) {
            throw EtcdErrors.invalid(HASHED_PASSWORD_REFUSED);
        }
    }
}
