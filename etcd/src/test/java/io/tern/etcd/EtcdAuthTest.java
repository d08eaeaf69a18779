package io.tern.etcd;

import static io.tern.etcd.EtcdKvTest.assertRefused;
import static io.tern.etcd.EtcdKvTest.b;
import static io.tern.etcd.EtcdKvTest.done;
import static io.tern.etcd.EtcdKvTest.only;
import static io.tern.etcd.EtcdKvTest.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.etcd.jetcd.Auth;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.auth.Permission;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.options.GetOption;
import io.tern.etcd.api.EtcdServerPb.WatchResponse;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.tern.etcd.api.AuthGrpc;
import io.tern.etcd.api.EtcdServerPb;
import io.tern.etcd.api.KVGrpc;
import io.tern.etcd.api.MaintenanceGrpc;
import io.tern.server.TernServer;
import io.tern.server.auth.AuthSettings;
import io.tern.server.auth.PasswordHasher;
import io.tern.verify.cluster.Await;
import java.time.Duration;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * etcd's Auth service and the check of every call, driven by jetcd ({@code Client.builder().user(..)
 * .password(..)}, which authenticates and sends its token with each call) against a real 3-member
 * cluster, through a follower's gateway so that the forwarded path is the one checked. Each test
 * starts from a cluster with auth off.
 */
@Timeout(120)
class EtcdAuthTest {

    private static final String ROOT_PASSWORD = "root-secret";
    private static final String ALICE_PASSWORD = "alice-secret";

    @TempDir
    Path data;

    private EtcdMembers members;
    private TernServer follower;
    private Auth anonymousAuth;

    @BeforeEach
    void start() {
        members = EtcdMembers.start(3, data);
        follower = members.followers().getFirst();
        anonymousAuth = members.jetcd(follower).getAuthClient();
    }

    @AfterEach
    void stop() {
        if (members != null) {
            members.close();
        }
    }

    private Client as(String user, String password) {
        return members.jetcd(follower, user, password);
    }

    /** root with the root role, alice with READWRITE on the prefix "a/" and READ on the key "r"; auth on. */
    private void enableWithRootAndAlice() throws Exception {
        done(anonymousAuth.userAdd(b("root"), b(ROOT_PASSWORD)));
        done(anonymousAuth.userGrantRole(b("root"), b("root")));
        done(anonymousAuth.userAdd(b("alice"), b(ALICE_PASSWORD)));
        done(anonymousAuth.roleAdd(b("a-writer")));
        done(anonymousAuth.roleGrantPermission(b("a-writer"), b("a/"), b("a0"), Permission.Type.READWRITE));
        done(anonymousAuth.roleGrantPermission(b("a-writer"), b("r"), ByteSequence.EMPTY, Permission.Type.READ));
        done(anonymousAuth.userGrantRole(b("alice"), b("a-writer")));
        done(anonymousAuth.authEnable());
    }

    @Test
    void enablingNeedsARootUserWithTheRootRole() throws Exception {
        assertFalse(authStatus().getEnabled());
        assertAnswered(Status.Code.FAILED_PRECONDITION, "etcdserver: root user does not exist", anonymousAuth.authEnable());
        done(anonymousAuth.userAdd(b("root"), b(ROOT_PASSWORD)));
        assertAnswered(Status.Code.FAILED_PRECONDITION, "etcdserver: root user does not have root role",
                anonymousAuth.authEnable());
        done(anonymousAuth.userGrantRole(b("root"), b("root")));
        done(anonymousAuth.authEnable());

        AuthGrpc.AuthBlockingStub root = rawAs("root", ROOT_PASSWORD);
        EtcdServerPb.AuthStatusResponse status = root.authStatus(EtcdServerPb.AuthStatusRequest.getDefaultInstance());
        assertTrue(status.getEnabled());
        assertTrue(status.getAuthRevision() > 0, "auth revision " + status.getAuthRevision());

        done(as("root", ROOT_PASSWORD).getAuthClient().authDisable());
        assertFalse(authStatus().getEnabled());
        // With auth off, anyone may do anything again.
        done(members.jetcd(follower).getKVClient().put(b("anyone"), b("v")));
    }

    @Test
    void authenticateNeedsAuthOnAndTheRightPassword() throws Exception {
        AuthGrpc.AuthBlockingStub raw = AuthGrpc.newBlockingStub(members.channel(follower));
        assertRefused(Status.Code.FAILED_PRECONDITION, "etcdserver: authentication is not enabled",
                () -> raw.authenticate(authenticate("root", ROOT_PASSWORD)));
        enableWithRootAndAlice();
        assertRefused(Status.Code.INVALID_ARGUMENT, "etcdserver: authentication failed, invalid user ID or password",
                () -> raw.authenticate(authenticate("alice", "wrong")));
        assertRefused(Status.Code.INVALID_ARGUMENT, "etcdserver: authentication failed, invalid user ID or password",
                () -> raw.authenticate(authenticate("nobody", "x")));
        assertFalse(raw.authenticate(authenticate("alice", ALICE_PASSWORD)).getToken().isEmpty());
        assertAnswered(Status.Code.INVALID_ARGUMENT, "etcdserver: authentication failed, invalid user ID or password",
                as("alice", "wrong").getKVClient().get(b("a/1")));
    }

    @Test
    void aUserReachesExactlyWhatItsRolesGrant() throws Exception {
        enableWithRootAndAlice();
        KV alice = as("alice", ALICE_PASSWORD).getKVClient();
        done(alice.put(b("a/1"), b("one")));
        assertEquals("one", s(only(done(alice.get(b("a/1")))).getValue()));
        assertEquals(0, done(alice.get(b("r"))).getKvs().size());
        assertAnswered(Status.Code.PERMISSION_DENIED, "etcdserver: permission denied", alice.put(b("r"), b("v")));
        assertAnswered(Status.Code.PERMISSION_DENIED, "etcdserver: permission denied", alice.put(b("b"), b("v")));
        assertAnswered(Status.Code.PERMISSION_DENIED, "etcdserver: permission denied", alice.get(b("b")));
        // A range reaching past the prefix is not within it.
        assertAnswered(Status.Code.PERMISSION_DENIED, "etcdserver: permission denied",
                alice.get(b("a/"), GetOption.builder().withRange(b("b")).build()));
        assertAnswered(Status.Code.PERMISSION_DENIED, "etcdserver: permission denied",
                alice.delete(b("r")));

        // Without credentials, etcd names no user.
        assertAnswered(Status.Code.INVALID_ARGUMENT, "etcdserver: user name is empty",
                members.jetcd(follower).getKVClient().get(b("a/1")));

        // root may do everything, and nothing that was refused changed anything.
        KV root = as("root", ROOT_PASSWORD).getKVClient();
        assertEquals(0, done(root.get(b("b"))).getKvs().size());
        assertEquals(0, done(root.get(b("r"))).getKvs().size());
        done(root.put(b("b"), b("root's")));
    }

    @Test
    void aRevokedPermissionOrRoleTakesEffectAtOnce() throws Exception {
        enableWithRootAndAlice();
        KV alice = as("alice", ALICE_PASSWORD).getKVClient();
        Auth root = as("root", ROOT_PASSWORD).getAuthClient();
        done(alice.put(b("a/1"), b("one")));

        done(root.roleRevokePermission(b("a-writer"), b("a/"), b("a0")));
        assertAnswered(Status.Code.PERMISSION_DENIED, "etcdserver: permission denied", alice.put(b("a/1"), b("two")));
        assertEquals(0, done(alice.get(b("r"))).getKvs().size());

        done(root.userRevokeRole(b("alice"), b("a-writer")));
        assertAnswered(Status.Code.PERMISSION_DENIED, "etcdserver: permission denied", alice.get(b("r")));

        done(root.userDelete(b("alice")));
        assertAnswered(Status.Code.INVALID_ARGUMENT, "etcdserver: authentication failed, invalid user ID or password",
                as("alice", ALICE_PASSWORD).getKVClient().get(b("r")));
    }

    @Test
    void usersAndRolesAreListedWithTheirGrants() throws Exception {
        enableWithRootAndAlice();
        Auth root = as("root", ROOT_PASSWORD).getAuthClient();
        assertEquals(List.of("alice", "root"), done(root.userList()).getUsers());
        // As in etcd, the root role is granted without being added: it is no role of the list.
        assertEquals(List.of("a-writer"), done(root.roleList()).getRoles());
        assertEquals(List.of("a-writer"), done(root.userGet(b("alice"))).getRoles());
        List<Permission> permissions = done(root.roleGet(b("a-writer"))).getPermissions();
        assertEquals(2, permissions.size(), permissions::toString);
        assertEquals(Permission.Type.READWRITE, permissions.get(0).getPermType());
        assertEquals("a/", s(permissions.get(0).getKey()));
        assertEquals("a0", s(permissions.get(0).getRangeEnd()));
        assertEquals(Permission.Type.READ, permissions.get(1).getPermType());
        assertEquals("r", s(permissions.get(1).getKey()));

        done(root.userChangePassword(b("alice"), b("new-secret")));
        assertAnswered(Status.Code.INVALID_ARGUMENT, "etcdserver: authentication failed, invalid user ID or password",
                as("alice", ALICE_PASSWORD).getKVClient().get(b("r")));
        done(as("alice", "new-secret").getKVClient().get(b("r")));
    }

    @Test
    void adminCallsNeedRootAndRefusalsAreEtcds() throws Exception {
        enableWithRootAndAlice();
        Auth alice = as("alice", ALICE_PASSWORD).getAuthClient();
        assertAnswered(Status.Code.PERMISSION_DENIED, "etcdserver: permission denied", alice.userList());
        assertAnswered(Status.Code.PERMISSION_DENIED, "etcdserver: permission denied", alice.roleAdd(b("mine")));
        assertAnswered(Status.Code.PERMISSION_DENIED, "etcdserver: permission denied", alice.authDisable());
        assertAnswered(Status.Code.INVALID_ARGUMENT, "etcdserver: user name is empty", anonymousAuth.userList());
        // The maintenance calls that read or rewrite the whole state are root's too, as in etcd.
        MaintenanceGrpc.MaintenanceBlockingStub aliceMaintenance = MaintenanceGrpc.newBlockingStub(
                members.channel(follower)).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(
                tokenOf("alice", ALICE_PASSWORD)));
        assertRefused(Status.Code.PERMISSION_DENIED, "etcdserver: permission denied",
                () -> aliceMaintenance.hashKV(EtcdServerPb.HashKVRequest.getDefaultInstance()));
        assertRefused(Status.Code.PERMISSION_DENIED, "etcdserver: permission denied",
                () -> aliceMaintenance.defragment(EtcdServerPb.DefragmentRequest.getDefaultInstance()));
        MaintenanceGrpc.newBlockingStub(members.channel(follower))
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(tokenOf("root", ROOT_PASSWORD)))
                .hash(EtcdServerPb.HashRequest.getDefaultInstance());

        Auth root = as("root", ROOT_PASSWORD).getAuthClient();
        assertAnswered(Status.Code.FAILED_PRECONDITION, "etcdserver: user name already exists",
                root.userAdd(b("alice"), b("x")));
        assertAnswered(Status.Code.INVALID_ARGUMENT, "etcdserver: user name is empty", root.userAdd(b(""), b("x")));
        assertAnswered(Status.Code.FAILED_PRECONDITION, "etcdserver: user name not found", root.userGet(b("bob")));
        assertAnswered(Status.Code.FAILED_PRECONDITION, "etcdserver: role name already exists", root.roleAdd(b("a-writer")));
        assertAnswered(Status.Code.INVALID_ARGUMENT, "etcdserver: role name is empty", root.roleAdd(b("")));
        assertAnswered(Status.Code.FAILED_PRECONDITION, "etcdserver: role name not found", root.roleGet(b("nope")));
        assertAnswered(Status.Code.FAILED_PRECONDITION, "etcdserver: role name not found",
                root.userGrantRole(b("alice"), b("nope")));
        assertAnswered(Status.Code.FAILED_PRECONDITION, "etcdserver: role is not granted to the user",
                root.userRevokeRole(b("root"), b("a-writer")));
        assertAnswered(Status.Code.FAILED_PRECONDITION, "etcdserver: permission is not granted to the role",
                root.roleRevokePermission(b("a-writer"), b("zzz"), ByteSequence.EMPTY));
        assertAnswered(Status.Code.INVALID_ARGUMENT, "etcdserver: invalid auth management", root.userDelete(b("root")));
    }

    @Test
    void aTokenNobodyIssuedIsAnInvalidToken() throws Exception {
        enableWithRootAndAlice();
        Metadata bogus = new Metadata();
        bogus.put(CallerInterceptor.TOKEN, "not-a-token");
        KVGrpc.KVBlockingStub raw = KVGrpc.newBlockingStub(members.channel(follower))
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bogus));
        assertRefused(Status.Code.UNAUTHENTICATED, "etcdserver: invalid auth token",
                () -> raw.range(EtcdServerPb.RangeRequest.newBuilder().setKey(EtcdKvTest.bs("a/1")).build()));
        // A watch says so in its cancel reason, which jetcd renews its token on.
        try (RawWatchStream watch = RawWatchStream.open(ClientInterceptors.intercept(members.channel(follower),
                MetadataUtils.newAttachHeadersInterceptor(bogus)))) {
            watch.create(RawWatchStream.watchKey("a/1"));
            WatchResponse refused = watch.next();
            assertTrue(refused.getCanceled(), refused::toString);
            assertEquals("rpc error: code = Unauthenticated desc = etcdserver: invalid auth token",
                    refused.getCancelReason());
        }
    }

    @Test
    void aWatchNeedsReadOnWhatItWatches() throws Exception {
        enableWithRootAndAlice();
        try (RawWatchStream alice = RawWatchStream.open(ClientInterceptors.intercept(members.channel(follower),
                MetadataUtils.newAttachHeadersInterceptor(tokenOf("alice", ALICE_PASSWORD))))) {
            alice.create(RawWatchStream.watchKey("b"));
            WatchResponse refused = alice.next();
            assertTrue(refused.getCreated() && refused.getCanceled(), refused::toString);
            assertEquals(-1, refused.getWatchId());
            assertEquals("rpc error: code = PermissionDenied desc = etcdserver: permission denied",
                    refused.getCancelReason());

            alice.create(RawWatchStream.watchKey("a/w"));
            WatchResponse created = alice.next();
            assertTrue(created.getCreated() && !created.getCanceled(), created::toString);
            done(as("root", ROOT_PASSWORD).getKVClient().put(b("a/w"), b("seen")));
            assertEquals("seen", alice.next().getEvents(0).getKv().getValue().toStringUtf8());
        }
    }

    @Test
    void anExpiredTokenIsInvalidAndJetcdAuthenticatesAgain() throws Exception {
        // A member of its own whose tokens live a second.
        EtcdMembers shortLived = EtcdMembers.start(1, data.resolve("short"),
                new AuthSettings(Duration.ofSeconds(1), PasswordHasher.MIN_COST));
        try (shortLived) {
            TernServer member = shortLived.only();
            Auth setup = shortLived.jetcd(member).getAuthClient();
            done(setup.userAdd(b("root"), b(ROOT_PASSWORD)));
            done(setup.userGrantRole(b("root"), b("root")));
            done(setup.authEnable());
            KV root = shortLived.jetcd(member, "root", ROOT_PASSWORD).getKVClient();
            done(root.put(b("k"), b("v")));

            // A token taken after jetcd's: once it is refused, jetcd's has expired too.
            String token = AuthGrpc.newBlockingStub(shortLived.channel(member)).authenticate(authenticate("root",
                    ROOT_PASSWORD)).getToken();
            Metadata headers = new Metadata();
            headers.put(CallerInterceptor.TOKEN, token);
            KVGrpc.KVBlockingStub withOldToken = KVGrpc.newBlockingStub(shortLived.channel(member))
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
            EtcdServerPb.RangeRequest get = EtcdServerPb.RangeRequest.newBuilder().setKey(EtcdKvTest.bs("k")).build();
            Await.until("the token to expire", Duration.ofSeconds(10), () -> {
                try {
                    withOldToken.range(get);
                    return false;
                } catch (StatusRuntimeException refused) {
                    assertEquals(Status.Code.UNAUTHENTICATED, refused.getStatus().getCode(), refused::toString);
                    assertEquals("etcdserver: invalid auth token", refused.getStatus().getDescription());
                    return true;
                }
            });
            assertEquals("v", s(only(done(root.get(b("k")))).getValue()));
        }
    }

    /** The {@code token} metadata of {@code user}, from an Authenticate call. */
    private Metadata tokenOf(String user, String password) {
        Metadata headers = new Metadata();
        headers.put(CallerInterceptor.TOKEN, AuthGrpc.newBlockingStub(members.channel(follower))
                .authenticate(authenticate(user, password)).getToken());
        return headers;
    }

    /**
     * Asserts that {@code future} failed with etcd's {@code code} and {@code message}, however jetcd hands
     * it over: the gRPC status itself (KV), its own {@link EtcdException} (Auth), or, when its credentials
     * were refused, an UNAUTHENTICATED whose cause is what the server answered to Authenticate.
     */
    static void assertAnswered(Status.Code code, String message, CompletableFuture<?> future) {
        ExecutionException failed = assertThrows(ExecutionException.class, () -> future.get(30, TimeUnit.SECONDS));
        for (Throwable cause = failed.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof EtcdException etcd && etcd.getErrorCode().name().equals(code.name())
                    && message.equals(etcd.getMessage())) {
                return;
            }
            if (cause instanceof StatusRuntimeException status && status.getStatus().getCode() == code
                    && message.equals(status.getStatus().getDescription())) {
                return;
            }
        }
        fail("expected " + code + " '" + message + "', got " + failed.getCause(), failed.getCause());
    }

    private AuthGrpc.AuthBlockingStub rawAs(String user, String password) {
        return AuthGrpc.newBlockingStub(members.channel(follower))
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(tokenOf(user, password)));
    }

    private EtcdServerPb.AuthStatusResponse authStatus() {
        return AuthGrpc.newBlockingStub(members.channel(follower))
                .authStatus(EtcdServerPb.AuthStatusRequest.getDefaultInstance());
    }

    private static EtcdServerPb.AuthenticateRequest authenticate(String user, String password) {
        return EtcdServerPb.AuthenticateRequest.newBuilder().setName(user).setPassword(password).build();
    }
}
