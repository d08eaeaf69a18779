package io.tern.server;

import static io.tern.server.KvOperationsTest.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.client.TernClient;
import io.tern.client.TernException;
import io.tern.client.WatchListener;
import io.tern.client.WatchOptions;
import io.tern.client.protocol.AuthMessages;
import io.tern.client.protocol.AuthRequests;
import io.tern.client.protocol.AuthResponses;
import io.tern.client.protocol.BatchOp;
import io.tern.client.protocol.KvRequest;
import io.tern.client.protocol.KvResponse;
import io.tern.client.protocol.LeaseRequests;
import io.tern.client.protocol.LeaseResponses;
import io.tern.client.protocol.Opcode;
import io.tern.client.protocol.ReadMode;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.client.protocol.WatchRequests;
import io.tern.client.protocol.WatchResponses;
import io.tern.kv.Compare;
import io.tern.kv.DeleteRangeRequest;
import io.tern.kv.KeyRange;
import io.tern.kv.Permission;
import io.tern.kv.PutRequest;
import io.tern.kv.RangeRequest;
import io.tern.kv.TxnRequest;
import io.tern.kv.WatchEvent;
import io.tern.server.auth.AuthSettings;
import io.tern.server.auth.PasswordHasher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication and authorization on one member, through the native protocol: each permission kind
 * allows exactly its range, for every kind of request; changes take effect at once; tokens expire;
 * passwords are nowhere in clear.
 */
@Timeout(60)
class AuthTest {

    private static final String ROOT_PASSWORD = "r00t-Pa55word-in-clear";
    private static final String ALICE_PASSWORD = "alice-Pa55word-in-clear";

    @TempDir
    Path data;

    private TernServer server;
    private final AtomicLong ids = new AtomicLong(100);

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(Duration tokenTtl) {
        server = TernServer.start(TestServers.single(data.resolve("node"))
                .withAuth(new AuthSettings(tokenTtl, PasswordHasher.MIN_COST)));
    }

    private long id() {
        return ids.incrementAndGet();
    }

    private static <T> T ok(Class<T> type, Response response) {
        return assertInstanceOf(type, response, () -> "answered " + response);
    }

    /** root (with role root), alice with role "app": READ on key k1, WRITE on [a, c), READWRITE on prefix p/. */
    private void setUpUsersAndEnable(RawConnection c) throws IOException {
        ok(AuthResponses.Changed.class, c.call(new AuthRequests.UserAdd(id(), "root", ROOT_PASSWORD, false)));
        assertEquals(new Response.BadRequest(0, AuthMessages.ROOT_ROLE_NOT_EXIST).message(),
                ok(Response.BadRequest.class, c.call(new AuthRequests.Enable(id()))).message());
        ok(AuthResponses.Changed.class, c.call(new AuthRequests.UserGrantRole(id(), "root", "root")));
        ok(AuthResponses.Changed.class, c.call(new AuthRequests.UserAdd(id(), "alice", ALICE_PASSWORD, false)));
        ok(AuthResponses.Changed.class, c.call(new AuthRequests.RoleAdd(id(), "app")));
        grant(c, "app", Permission.Type.READ, KeyRange.single(b("k1")));
        grant(c, "app", Permission.Type.WRITE, new KeyRange(b("a"), b("c")));
        grant(c, "app", Permission.Type.READWRITE, KeyRange.prefix(b("p/")));
        ok(AuthResponses.Changed.class, c.call(new AuthRequests.UserGrantRole(id(), "alice", "app")));
        ok(AuthResponses.Changed.class, c.call(new AuthRequests.Enable(id())));
    }

    private void grant(RawConnection c, String role, Permission.Type type, KeyRange range) throws IOException {
        ok(AuthResponses.Changed.class, c.call(new AuthRequests.RoleGrantPermission(id(), role, new Permission(type, range))));
    }

    private String login(RawConnection c, String user, String password) throws IOException {
        return ok(AuthResponses.Authenticated.class, c.call(new AuthRequests.Authenticate(id(), user, password))).token();
    }

    @Test
    void enablingNeedsARootUserWithTheRootRole() throws Exception {
        start(AuthSettings.DEFAULT_TOKEN_TTL);
        try (RawConnection c = new RawConnection(server.boundAddress())) {
            assertEquals(AuthMessages.ROOT_USER_NOT_EXIST,
                    ok(Response.BadRequest.class, c.call(new AuthRequests.Enable(id()))).message());
            assertEquals(AuthMessages.AUTH_NOT_ENABLED, ok(Response.Unauthenticated.class,
                    c.call(new AuthRequests.Authenticate(id(), "root", "x"))).message());
            setUpUsersAndEnable(c);
            assertTrue(ok(AuthResponses.AuthStatus.class, c.call(new AuthRequests.GetStatus(id()))).enabled());
        }
    }

    @Test
    void withAuthenticationOnAnUnauthenticatedConnectionIsRefusedAllButPingStatusAndAuthenticate() throws Exception {
        start(AuthSettings.DEFAULT_TOKEN_TTL);
        try (RawConnection c = new RawConnection(server.boundAddress())) {
            setUpUsersAndEnable(c);
        }
        try (RawConnection anonymous = new RawConnection(server.boundAddress())) {
            assertEquals(AuthMessages.USER_EMPTY, ok(Response.Unauthenticated.class,
                    anonymous.call(new Request.Put(id(), b("p/x"), b("v")))).message());
            ok(Response.Unauthenticated.class, anonymous.call(new Request.Get(id(), ReadMode.LINEARIZABLE, 0, b("k1"))));
            ok(Response.Unauthenticated.class, anonymous.call(new AuthRequests.UserList(id())));
            ok(Response.Unauthenticated.class, anonymous.call(new WatchRequests.Create(id(), KeyRange.prefix(b("p/")),
                    0, 0, 0)));
            ok(Response.PingOk.class, anonymous.call(new Request.Ping(id())));
            ok(Response.StatusOk.class, anonymous.call(new Request.Status(id())));
            assertEquals(AuthMessages.AUTH_FAILED, ok(Response.Unauthenticated.class,
                    anonymous.call(new AuthRequests.Authenticate(id(), "alice", "wrong"))).message());
            assertEquals(AuthMessages.AUTH_FAILED, ok(Response.Unauthenticated.class,
                    anonymous.call(new AuthRequests.Authenticate(id(), "nobody", "wrong"))).message());
            assertEquals(AuthMessages.INVALID_TOKEN, ok(Response.Unauthenticated.class,
                    anonymous.call(new Request.WithToken("t1.forged.1.99999999999999.AAAA",
                            new Request.Get(id(), ReadMode.LINEARIZABLE, 0, b("k1"))))).message());
        }
    }

    @Test
    void aWriteTakenWhileAuthenticationWasOffIsNotAppliedOnceItIsOn() throws Exception {
        start(AuthSettings.DEFAULT_TOKEN_TTL);
        try (RawConnection c = new RawConnection(server.boundAddress())) {
            ok(AuthResponses.Changed.class, c.call(new AuthRequests.UserAdd(id(), "root", ROOT_PASSWORD, false)));
            ok(AuthResponses.Changed.class, c.call(new AuthRequests.UserGrantRole(id(), "root", "root")));
            // The put follows the enable on the same connection, so the member takes it while the enable is
            // in the log but not yet applied (authentication still off) and applies it after: it must be
            // judged there as made by nobody, and refused, as etcd refuses it.
            long enable = id();
            long put = id();
            c.send(new AuthRequests.Enable(enable));
            c.send(new Request.Put(put, b("sneaked"), b("in")));
            Response first = c.receive();
            Response second = c.receive();
            Response enabled = first.requestId() == enable ? first : second;
            Response written = first.requestId() == put ? first : second;
            ok(AuthResponses.Changed.class, enabled);
            assertFalse(written instanceof Response.PutOk, "the put was applied: " + written);
            login(c, "root", ROOT_PASSWORD);
            ok(Response.NotFound.class, c.call(new Request.Get(id(), ReadMode.LINEARIZABLE, 0, b("sneaked"))));
        }
    }

    @Test
    void eachPermissionAllowsExactlyItsRangeForEveryKindOfRequest() throws Exception {
        start(AuthSettings.DEFAULT_TOKEN_TTL);
        try (RawConnection root = new RawConnection(server.boundAddress());
             RawConnection alice = new RawConnection(server.boundAddress())) {
            setUpUsersAndEnable(root);
            login(root, "root", ROOT_PASSWORD);
            login(alice, "alice", ALICE_PASSWORD);
            ok(Response.PutOk.class, root.call(new Request.Put(id(), b("k1"), b("one"))));

            // READ on one key: that key only, and no write.
            ok(Response.GetOk.class, alice.call(new Request.Get(id(), ReadMode.LINEARIZABLE, 0, b("k1"))));
            assertEquals("user alice lacks READ on key 'k2'", denied(alice, new Request.Get(id(), ReadMode.LINEARIZABLE,
                    0, b("k2"))));
            assertEquals("user alice lacks WRITE on key 'k1'", denied(alice, new Request.Put(id(), b("k1"), b("x"))));
            denied(alice, new Request.Get(id(), ReadMode.LINEARIZABLE, 0, b("k10")));
            // WRITE on [a, c): writes inside, no reads, nothing at or past c.
            ok(Response.PutOk.class, alice.call(new Request.Put(id(), b("a"), b("x"))));
            ok(Response.PutOk.class, alice.call(new Request.Put(id(), b("bzz"), b("x"))));
            ok(Response.DeleteOk.class, alice.call(new Request.Delete(id(), b("a"))));
            denied(alice, new Request.Put(id(), b("c"), b("x")));
            denied(alice, new Request.Get(id(), ReadMode.LINEARIZABLE, 0, b("bzz")));
            ok(KvResponse.OpOk.class, alice.call(new KvRequest.Write(id(),
                    new DeleteRangeRequest(new KeyRange(b("a"), b("b")), false))));
            denied(alice, new KvRequest.Write(id(), new DeleteRangeRequest(new KeyRange(b("a"), b("b")), true)));
            denied(alice, new KvRequest.Write(id(), new DeleteRangeRequest(new KeyRange(b("a"), b("d")), false)));
            // CAS reads as well as writes.
            denied(alice, new Request.Cas(id(), b("b"), null, b("x")));
            // READWRITE on a prefix: the prefix and nothing beside it.
            ok(Response.PutOk.class, alice.call(new Request.Put(id(), b("p/x"), b("x"))));
            ok(Response.GetOk.class, alice.call(new Request.Get(id(), ReadMode.LOCAL, 0, b("p/x"))));
            ok(Response.ScanOk.class, alice.call(new Request.Scan(id(), ReadMode.LINEARIZABLE, 0, b("p/"), b("p0"), 0)));
            ok(KvResponse.OpOk.class, alice.call(new KvRequest.Range(id(), ReadMode.LINEARIZABLE, 0,
                    RangeRequest.of(KeyRange.prefix(b("p/"))))));
            ok(Response.CasOk.class, alice.call(new Request.Cas(id(), b("p/x"), b("x"), b("y"))));
            denied(alice, new Request.Put(id(), b("p"), b("x")));
            denied(alice, new Request.Put(id(), b("q/x"), b("x")));
            denied(alice, new Request.Scan(id(), ReadMode.LINEARIZABLE, 0, b("p/"), b(""), 0));
            denied(alice, new KvRequest.Range(id(), ReadMode.LINEARIZABLE, 0, RangeRequest.of(KeyRange.all())));
            denied(alice, new Request.Batch(id(), List.of(new BatchOp.Put(b("p/1"), b("x")),
                    new BatchOp.Put(b("q/1"), b("x")))));
            ok(Response.BatchOk.class, alice.call(new Request.Batch(id(), List.of(new BatchOp.Put(b("p/1"), b("x")),
                    new BatchOp.Delete(b("b1"))))));

            // A transaction needs what both branches would do, nested ones included; refused, it wrote nothing.
            TxnRequest allowed = new TxnRequest(List.of(Compare.value(b("k1"), Compare.Result.EQUAL, b("one"))),
                    List.of(PutRequest.of(b("p/t"), b("1"))), List.of(RangeRequest.of(KeyRange.single(b("p/x")))));
            ok(KvResponse.OpOk.class, alice.call(new KvRequest.Write(id(), allowed)));
            TxnRequest failureBranchDenied = new TxnRequest(List.of(Compare.value(b("k1"), Compare.Result.EQUAL, b("one"))),
                    List.of(PutRequest.of(b("p/u"), b("1"))), List.of(PutRequest.of(b("z"), b("1"))));
            assertEquals("user alice lacks WRITE on key 'z'", denied(alice, new KvRequest.Write(id(), failureBranchDenied)));
            TxnRequest nestedDenied = new TxnRequest(List.of(), List.of(PutRequest.of(b("p/v"), b("1")),
                    new TxnRequest(List.of(), List.of(), List.of(new DeleteRangeRequest(KeyRange.single(b("k1")), false)))),
                    List.of());
            denied(alice, new KvRequest.Write(id(), nestedDenied));
            TxnRequest compareDenied = new TxnRequest(List.of(Compare.version(b("q"), Compare.Result.EQUAL, 0)),
                    List.of(PutRequest.of(b("p/w"), b("1"))), List.of());
            denied(alice, new KvRequest.Write(id(), compareDenied));
            denied(alice, new KvRequest.Write(id(), new TxnRequest(List.of(),
                    List.of(RangeRequest.of(KeyRange.single(b("q")))), List.of())));
            for (String key : List.of("p/u", "p/v", "p/w")) {
                ok(Response.NotFound.class, root.call(new Request.Get(id(), ReadMode.LINEARIZABLE, 0, b(key))));
            }

            // Watches: READ on what they watch.
            try (RawConnection watcher = new RawConnection(server.boundAddress())) {
                login(watcher, "alice", ALICE_PASSWORD);
                denied(watcher, new WatchRequests.Create(id(), KeyRange.prefix(b("q/")), 0, 0, 0));
                denied(watcher, new WatchRequests.Create(id(), new KeyRange(b("a"), b("b")), 0, 0, 0));
                ok(WatchResponses.Created.class, watcher.call(new WatchRequests.Create(id(), KeyRange.prefix(b("p/")),
                        0, 0, 0)));
            }

            // Leases: anyone may grant; a revoke deletes the keys, so it needs WRITE on each.
            long lease = ok(LeaseResponses.Granted.class, alice.call(new LeaseRequests.Grant(id(), 0, 60))).id();
            ok(KvResponse.OpOk.class, alice.call(new KvRequest.Write(id(),
                    new PutRequest(b("p/leased"), b("x"), lease, false, false, false))));
            ok(LeaseResponses.Revoked.class, alice.call(new LeaseRequests.Revoke(id(), lease)));
            long rootsLease = ok(LeaseResponses.Granted.class, root.call(new LeaseRequests.Grant(id(), 0, 60))).id();
            ok(KvResponse.OpOk.class, root.call(new KvRequest.Write(id(),
                    new PutRequest(b("k1"), b("one"), rootsLease, false, false, false))));
            assertEquals("user alice lacks WRITE on key 'k1'", denied(alice, new LeaseRequests.Revoke(id(), rootsLease)));
            ok(LeaseResponses.KeptAlive.class, alice.call(new LeaseRequests.KeepAlive(id(), rootsLease)));
            ok(KvResponse.OpOk.class, root.call(new KvRequest.Write(id(),
                    new PutRequest(b("z"), b("1"), rootsLease, false, false, false))));
            ok(LeaseResponses.TimeToLive.class, alice.call(new LeaseRequests.TimeToLive(id(), rootsLease, false)));
            assertEquals("user alice lacks READ on key 'z'",
                    denied(alice, new LeaseRequests.TimeToLive(id(), rootsLease, true)));

            // Her own user and roles she may read; others' not.
            assertEquals(List.of("app"), ok(AuthResponses.UserDetails.class,
                    alice.call(new AuthRequests.UserGet(id(), "alice"))).roles());
            ok(AuthResponses.RoleDetails.class, alice.call(new AuthRequests.RoleGet(id(), "app")));
            denied(alice, new AuthRequests.UserGet(id(), "root"));
            denied(alice, new AuthRequests.RoleGet(id(), "root"));

            // Admin requests need root.
            denied(alice, new KvRequest.Compact(id(), 2));
            denied(alice, new Request.Snapshot(id()));
            denied(alice, new Request.MemberRemove(id(), 7));
            denied(alice, new Request.MemberAdd(id(), 7, "127.0.0.1:1", false));
            denied(alice, new Request.Alarm(id(), false, 1, Request.Alarm.NOSPACE, ""));
            denied(alice, new Request.Backup(id()));
            denied(alice, new Request.TransferLeader(id(), 1));
            denied(alice, new AuthRequests.UserList(id()));
            denied(alice, new AuthRequests.RoleAdd(id(), "mine"));
            denied(alice, new AuthRequests.UserGrantRole(id(), "alice", "root"));
            denied(alice, new AuthRequests.Disable(id()));
            ok(Response.SnapshotOk.class, root.call(new Request.Snapshot(id())));
            Response piece = root.call(new Request.Backup(id()));
            assertInstanceOf(Response.BackupPiece.class, piece, piece::toString);
            while (!((Response.BackupPiece) piece).last()) {
                piece = root.receiveAnswerTo(Opcode.BACKUP);
            }
            assertEquals(List.of("alice", "root"),
                    ok(AuthResponses.Names.class, root.call(new AuthRequests.UserList(id()))).names());
            ok(KvResponse.CompactOk.class, root.call(new KvRequest.Compact(id(), 2)));
        }
    }

    /** Sends {@code request}, which must be refused with PERMISSION_DENIED; the refusal's message. */
    private static String denied(RawConnection c, Request request) throws IOException {
        return ok(Response.PermissionDenied.class, c.call(request)).message();
    }

    @Test
    void aRevokedRoleADeletedUserAndANewPasswordTakeEffectAtOnce() throws Exception {
        start(AuthSettings.DEFAULT_TOKEN_TTL);
        try (RawConnection root = new RawConnection(server.boundAddress());
             RawConnection alice = new RawConnection(server.boundAddress())) {
            setUpUsersAndEnable(root);
            login(root, "root", ROOT_PASSWORD);
            String token = login(alice, "alice", ALICE_PASSWORD);
            ok(Response.PutOk.class, alice.call(new Request.Put(id(), b("p/x"), b("1"))));

            ok(AuthResponses.Changed.class, root.call(new AuthRequests.RoleRevokePermission(id(), "app",
                    KeyRange.prefix(b("p/")))));
            denied(alice, new Request.Put(id(), b("p/x"), b("2")));
            denied(alice, new Request.Get(id(), ReadMode.LINEARIZABLE, 0, b("p/x")));
            ok(Response.NotFound.class, alice.call(new Request.Get(id(), ReadMode.LINEARIZABLE, 0, b("k1"))));

            ok(AuthResponses.Changed.class, root.call(new AuthRequests.UserRevokeRole(id(), "alice", "app")));
            denied(alice, new Request.Get(id(), ReadMode.LINEARIZABLE, 0, b("k1")));
            ok(AuthResponses.Changed.class, root.call(new AuthRequests.UserGrantRole(id(), "alice", "app")));
            ok(Response.NotFound.class, alice.call(new Request.Get(id(), ReadMode.LINEARIZABLE, 0, b("k1"))));

            ok(AuthResponses.Changed.class, root.call(new AuthRequests.UserChangePassword(id(), "alice", "new-one")));
            assertEquals(AuthMessages.INVALID_TOKEN, ok(Response.Unauthenticated.class,
                    alice.call(new Request.Get(id(), ReadMode.LINEARIZABLE, 0, b("k1")))).message());
            ok(Response.Unauthenticated.class, alice.call(new AuthRequests.Authenticate(id(), "alice", ALICE_PASSWORD)));
            String renewed = login(alice, "alice", "new-one");
            ok(Response.NotFound.class, alice.call(new Request.Get(id(), ReadMode.LINEARIZABLE, 0, b("k1"))));

            ok(AuthResponses.Changed.class, root.call(new AuthRequests.UserDelete(id(), "alice")));
            for (String stale : List.of(token, renewed)) {
                ok(Response.Unauthenticated.class, root.call(new Request.WithToken(stale,
                        new Request.Get(id(), ReadMode.LINEARIZABLE, 0, b("k1")))));
            }
            ok(Response.Unauthenticated.class, alice.call(new Request.Get(id(), ReadMode.LINEARIZABLE, 0, b("k1"))));
            // While authentication is on, root stays root.
            assertEquals(AuthMessages.INVALID_AUTH_MGMT, ok(Response.BadRequest.class,
                    root.call(new AuthRequests.UserRevokeRole(id(), "root", "root"))).message());
            assertEquals(AuthMessages.INVALID_AUTH_MGMT, ok(Response.BadRequest.class,
                    root.call(new AuthRequests.UserDelete(id(), "root"))).message());
        }
    }

    /** A client's first call may be a watch: it authenticates for it, as for any call. */
    @Test
    void aWatchAsTheClientsFirstCallAuthenticatesAndSeesTheChangesItMayRead() throws Exception {
        start(Duration.ofMinutes(5));
        try (RawConnection root = new RawConnection(server.boundAddress())) {
            setUpUsersAndEnable(root);
            login(root, "root", ROOT_PASSWORD);
            try (TernClient alice = TernClient.builder().endpoints(List.of(server.config().advertisedAddress()))
                    .credentials("alice", ALICE_PASSWORD).build()) {
                List<WatchEvent> seen = new CopyOnWriteArrayList<>();
                CompletableFuture<TernException> closed = new CompletableFuture<>();
                alice.watches().watch(WatchOptions.prefix(b("p/")).withStartRevision(1), new WatchListener() {
                    @Override
                    public void onEvents(List<WatchEvent> events) {
                        seen.addAll(events);
                    }

                    @Override
                    public void onClosed(TernException error) {
                        closed.complete(error);
                    }
                });
                ok(Response.PutOk.class, root.call(new Request.Put(id(), b("p/1"), b("v"))));
                TestServers.await("alice's watch to see p/1", Duration.ofSeconds(10),
                        () -> !seen.isEmpty() || closed.isDone());
                assertFalse(closed.isDone(), () -> "the watch ended: " + closed.join());
                assertEquals("p/1", new String(seen.getFirst().kv().key(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void anExpiredTokenIsRefusedAndAFreshOneWorks() throws Exception {
        start(Duration.ofSeconds(1));
        try (RawConnection root = new RawConnection(server.boundAddress())) {
            setUpUsersAndEnable(root);
            String token = login(root, "root", ROOT_PASSWORD);
            ok(Response.PutOk.class, root.call(new Request.Put(id(), b("k"), b("v"))));
            long issued = System.nanoTime();
            // The token's expiry is a time, so the test waits for it to pass (about a second).
            TestServers.await("the token to expire", Duration.ofSeconds(10), () -> {
                try {
                    return root.call(new Request.Put(id(), b("k"), b("v"))) instanceof Response.Unauthenticated;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertTrue(System.nanoTime() - issued >= Duration.ofMillis(900).toNanos(), "expired early");
            assertEquals(AuthMessages.INVALID_TOKEN, ok(Response.Unauthenticated.class, root.call(new Request.WithToken(
                    token, new Request.Get(id(), ReadMode.LINEARIZABLE, 0, b("k"))))).message());
            login(root, "root", ROOT_PASSWORD);
            ok(Response.GetOk.class, root.call(new Request.Get(id(), ReadMode.LINEARIZABLE, 0, b("k"))));
        }
    }

    @Test
    void passwordsAreNeverStoredOrShownInClear() throws Exception {
        start(AuthSettings.DEFAULT_TOKEN_TTL);
        try (RawConnection root = new RawConnection(server.boundAddress())) {
            setUpUsersAndEnable(root);
            login(root, "root", ROOT_PASSWORD);
            ok(AuthResponses.Changed.class, root.call(new AuthRequests.UserChangePassword(id(), "alice", ALICE_PASSWORD)));
            String status = ok(Response.StatusOk.class, root.call(new Request.Status(id()))).json();
            assertFalse(status.contains(ALICE_PASSWORD) || status.contains(ROOT_PASSWORD), status);
            String refusal = ok(Response.Unauthenticated.class,
                    root.call(new AuthRequests.Authenticate(id(), "alice", ALICE_PASSWORD + "x"))).message();
            assertFalse(refusal.contains(ALICE_PASSWORD), refusal);
            assertFalse(new AuthRequests.UserAdd(1, "u", ALICE_PASSWORD, false).toString().contains(ALICE_PASSWORD));
            ok(Response.SnapshotOk.class, root.call(new Request.Snapshot(id())));
        }
        server.close();
        server = null;
        // The log, the state and the snapshot: every byte the member wrote.
        try (Stream<Path> files = Files.walk(data)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                byte[] content = Files.readAllBytes(file);
                for (String password : List.of(ROOT_PASSWORD, ALICE_PASSWORD)) {
                    assertFalse(contains(content, password.getBytes(StandardCharsets.UTF_8)),
                            file + " holds a password in clear");
                }
            }
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
