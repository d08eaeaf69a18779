package io.tern.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.client.PermissionDeniedException;
import io.tern.client.TernClient;
import io.tern.client.TernClientBuilder;
import io.tern.client.protocol.AuthRequests;
import io.tern.client.protocol.AuthResponses;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.kv.KeyRange;
import io.tern.kv.Permission;
import io.tern.platform.tls.TestCertificates;
import io.tern.platform.tls.TestCertificates.CertificateSet;
import io.tern.raft.node.FatalFailureListener;
import io.tern.server.auth.AuthSettings;
import io.tern.server.auth.PasswordHasher;
import io.tern.server.tls.TlsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Under {@code --client-cert-auth}, a client that sends no credentials is the user its certificate names. */
@Timeout(60)
class CertificateAuthTest {

    @TempDir
    Path tmp;

    private final AtomicLong ids = new AtomicLong();

    /** An auth change made in the member's own process: anonymous, while authentication is still off. */
    private static void change(TernServer server, Request.Auth request) throws Exception {
        Response answer = server.dispatcher().dispatch(request, Runnable::run).get(10, TimeUnit.SECONDS);
        assertInstanceOf(AuthResponses.Changed.class, answer, answer::toString);
    }

    @Test
    void aClientWithoutCredentialsIsTheUserItsCertificateNames() throws Exception {
        CertificateSet certs = TestCertificates.make(tmp.resolve("certs"));
        TlsSettings tls = new TlsSettings(certs.serverCert(), certs.serverKey(), certs.ca(), true, null, null, null,
                Duration.ofMillis(100));
        try (TernServer server = TernServer.start(TestServers.single(tmp.resolve("node"))
                .withAuth(new AuthSettings(AuthSettings.DEFAULT_TOKEN_TTL, PasswordHasher.MIN_COST)), tls,
                FatalFailureListener.NONE)) {
            change(server, new AuthRequests.UserAdd(ids.incrementAndGet(), "root", "rootpw", false));
            change(server, new AuthRequests.UserGrantRole(ids.incrementAndGet(), "root", "root"));
            // bin/make-certs names the client's certificate CN=tern-client; that user has no password.
            change(server, new AuthRequests.UserAdd(ids.incrementAndGet(), "tern-client", "", true));
            change(server, new AuthRequests.RoleAdd(ids.incrementAndGet(), "app"));
            change(server, new AuthRequests.RoleGrantPermission(ids.incrementAndGet(), "app",
                    new Permission(Permission.Type.READWRITE, KeyRange.prefix("app/".getBytes(UTF_8)))));
            change(server, new AuthRequests.UserGrantRole(ids.incrementAndGet(), "tern-client", "app"));
            change(server, new AuthRequests.Enable(ids.incrementAndGet()));

            TernClientBuilder builder = TernClient.builder().endpoints("127.0.0.1:" + server.boundAddress().getPort())
                    .discoverLeader(false).requestTimeout(Duration.ofSeconds(10)).trustCertificates(certs.ca())
                    .keyCertChain(certs.clientCert(), certs.clientKey());
            try (TernClient byCertificate = builder.build()) {
                byCertificate.put("app/x".getBytes(UTF_8), "1".getBytes(UTF_8));
                assertArrayEquals("1".getBytes(UTF_8), byCertificate.get("app/x".getBytes(UTF_8)).value());
                PermissionDeniedException denied = assertThrows(PermissionDeniedException.class,
                        () -> byCertificate.put("other".getBytes(UTF_8), "1".getBytes(UTF_8)));
                assertTrue(denied.getMessage().contains("user tern-client lacks WRITE on key 'other'"),
                        denied.getMessage());
            }
            // Credentials win over the certificate.
            try (TernClient asRoot = builder.credentials("root", "rootpw").build()) {
                asRoot.put("other".getBytes(UTF_8), "1".getBytes(UTF_8));
            }
        }
    }
}
