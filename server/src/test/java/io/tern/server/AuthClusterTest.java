package io.tern.server;

import static io.tern.server.KvOperationsTest.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.tern.client.protocol.AuthRequests;
import io.tern.client.protocol.AuthResponses;
import io.tern.client.protocol.KvRequest;
import io.tern.client.protocol.KvResponse;
import io.tern.client.protocol.ReadMode;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.kv.KeyRange;
import io.tern.kv.Permission;
import io.tern.kv.PutRequest;
import io.tern.kv.RangeRequest;
import io.tern.raft.core.Role;
import io.tern.server.auth.AuthSettings;
import io.tern.server.auth.PasswordHasher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication across members: a follower forwards a user's requests to the leader with the user's
 * token, so the leader judges them as the same user, and a change made at the leader binds requests
 * that reach the follower right after.
 */
@Timeout(90)
class AuthClusterTest {

    @TempDir
    Path data;

    private final List<TernServer> servers = new ArrayList<>();
    private long ids = 1000;

    @AfterEach
    void stopAll() {
        servers.forEach(TernServer::close);
    }

    @Test
    void aFollowerForwardsAUsersRequestsAsThatUser() throws Exception {
        SortedMap<Long, String> cluster = TestServers.cluster(3);
        for (long id : cluster.keySet()) {
            servers.add(TernServer.start(TestServers.config(id, data.resolve("node-" + id), cluster, true)
                    .withAuth(new AuthSettings(AuthSettings.DEFAULT_TOKEN_TTL, PasswordHasher.MIN_COST))));
        }
        TestServers.await("a leader", Duration.ofSeconds(20),
                () -> servers.stream().anyMatch(s -> s.node().status().role() == Role.LEADER));
        TernServer leader = servers.stream().filter(s -> s.node().status().role() == Role.LEADER).findFirst().orElseThrow();
        TernServer follower = servers.stream().filter(s -> s != leader).findFirst().orElseThrow();
        TestServers.await("the follower to learn the leader", Duration.ofSeconds(10),
                () -> follower.node().status().leaderId() == leader.config().id());

        try (RawConnection admin = new RawConnection(follower.boundAddress());
             RawConnection alice = new RawConnection(follower.boundAddress())) {
            changed(admin, new AuthRequests.UserAdd(++ids, "root", "rootpw", false));
            changed(admin, new AuthRequests.UserGrantRole(++ids, "root", "root"));
            changed(admin, new AuthRequests.UserAdd(++ids, "alice", "alicepw", false));
            changed(admin, new AuthRequests.RoleAdd(++ids, "app"));
            changed(admin, new AuthRequests.RoleGrantPermission(++ids, "app",
                    new Permission(Permission.Type.READWRITE, KeyRange.prefix(b("app/")))));
            changed(admin, new AuthRequests.UserGrantRole(++ids, "alice", "app"));
            changed(admin, new AuthRequests.Enable(++ids));
            assertInstanceOf(AuthResponses.Authenticated.class,
                    admin.call(new AuthRequests.Authenticate(++ids, "root", "rootpw")));
            assertInstanceOf(AuthResponses.Authenticated.class,
                    alice.call(new AuthRequests.Authenticate(++ids, "alice", "alicepw")));

            // Forwarded writes and linearizable reads, and a LOCAL read served by the follower itself.
            var put = assertInstanceOf(KvResponse.OpOk.class,
                    alice.call(new KvRequest.Write(++ids, PutRequest.of(b("app/k"), b("v")))));
            assertInstanceOf(Response.GetOk.class, alice.call(new Request.Get(++ids, ReadMode.LINEARIZABLE, 0, b("app/k"))));
            assertInstanceOf(KvResponse.OpOk.class, alice.call(new KvRequest.Range(++ids, ReadMode.LOCAL, put.revision(),
                    RangeRequest.of(KeyRange.prefix(b("app/"))))));
            assertEquals("user alice lacks WRITE on key 'other'", assertInstanceOf(Response.PermissionDenied.class,
                    alice.call(new Request.Put(++ids, b("other"), b("v")))).message());
            assertInstanceOf(Response.PermissionDenied.class,
                    alice.call(new Request.Get(++ids, ReadMode.LINEARIZABLE, 0, b("other"))));
            assertInstanceOf(Response.PermissionDenied.class, alice.call(new Request.MemberRemove(++ids, 9)));

            // A revoke made through the leader binds the very next write through the follower.
            try (RawConnection leaderAdmin = new RawConnection(leader.boundAddress())) {
                assertInstanceOf(AuthResponses.Authenticated.class,
                        leaderAdmin.call(new AuthRequests.Authenticate(++ids, "root", "rootpw")));
                changed(leaderAdmin, new AuthRequests.UserRevokeRole(++ids, "alice", "app"));
            }
            assertInstanceOf(Response.PermissionDenied.class,
                    alice.call(new KvRequest.Write(++ids, PutRequest.of(b("app/k"), b("w")))));
            assertInstanceOf(Response.PermissionDenied.class,
                    alice.call(new Request.Get(++ids, ReadMode.LINEARIZABLE, 0, b("app/k"))));

            // The member's own alarm reaches the leader, which takes it as root's.
            Response alarm = follower.dispatcher().dispatchOwn(new Request.Alarm(++ids, false, follower.config().id(),
                    Request.Alarm.NOSPACE, "")).get(10, TimeUnit.SECONDS);
            assertInstanceOf(Response.AlarmOk.class, alarm, alarm::toString);
        }
    }

    private static void changed(RawConnection c, Request request) throws Exception {
        Response response = c.call(request);
        assertInstanceOf(AuthResponses.Changed.class, response, response::toString);
    }
}
